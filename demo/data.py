"""The words of the demo world: organisations, challenges, questions, updates and solution titles.

Every place, person and figure here is illustrative. `demo/world.py` turns it into a world, through the
services.
"""
from __future__ import annotations

# slug, name, kind, description, seekers (email, name)
ORGANISATIONS = [
    ("camden", "Camden Council", "local_authority",
     "The London borough council for Camden: adult social care, housing, children's services.",
     [("seeker@camden.example.org", "Priya Raman"), ("housing@camden.example.org", "Tom Okafor")]),
    ("leeds", "Leeds City Council", "local_authority",
     "The council for the city of Leeds and its climate emergency programme.",
     [("seeker@leeds.example.org", "Helen Marsh")]),
    ("cornwall", "Cornwall Council", "local_authority",
     "The unitary authority for Cornwall, a large rural county with a long coastline.",
     [("seeker@cornwall.example.org", "Jago Trelawny"), ("transport@cornwall.example.org", "Morwenna Penrose")]),
    ("riverside", "Riverside University Hospitals NHS Trust", "nhs_trust",
     "Three acute hospitals serving 900,000 people, with a busy emergency department.",
     [("seeker@riverside.example.org", "Dr Amara Bello"), ("flow@riverside.example.org", "Gareth Lloyd")]),
    ("pennine", "Pennine Community Health NHS Trust", "nhs_trust",
     "Community and mental health services, including children and young people's mental health.",
     [("seeker@pennine.example.org", "Sian Whitaker")]),
    ("northern-lights", "Northern Lights Academy Trust", "school_trust",
     "Fourteen primary and secondary academies across Tyneside.",
     [("seeker@northernlights.example.org", "Mark Ellison"), ("inclusion@northernlights.example.org", "Grace Adeyemi")]),
    ("hartwell", "Hartwell Foundation", "investor",
     "An independent foundation funding early ideas that help young people and families thrive.",
     [("seeker@hartwell.example.org", "Rosalind Hart")]),
]

# Org-id identifiers (accounts/orgids.py) and the owners' consent to publish 360Giving open data: the councils'
# codes are from the register of local authorities in England; the fictional trusts have none (the
# platform's own id). Cornwall and Riverside co-fund the completed challenge, so the public file has its grant.
OPEN_DATA = {
    "camden": {"local_authority_code": "CMD"},
    "leeds": {"local_authority_code": "LDS"},
    "cornwall": {"local_authority_code": "CON", "publish_grants_open_data": True},
    "riverside": {"publish_grants_open_data": True},
}

# Each challenge: its organisation, its phase in the demo world, its words and its prizes
# (name, pounds, winners). "days" place opening and closing relative to today.
CHALLENGES = [
    dict(org="camden", phase="open", opens=-21, closes=12, sector="social_care", type="pilot_ready",
         ip="licence", title="Reaching older people who are lonely but not yet known to services",
         summary="Find and support isolated over-75s before a crisis brings them to the GP, A&E or social care.",
         problem="""About **one in five** people over 75 in Camden say they feel lonely *often or always*.
Most of them are not known to any service until a fall, a hospital admission or a bereavement.

We want practical ways to **find** these residents early and **connect** them with people nearby:
neighbours, faith groups, libraries, the lunch club on their estate.""",
         context="""- 21,000 residents are over 75; 40% live alone.
- Befriending services have waiting lists of six to ten weeks.
- Social prescribing link workers see people only once a GP refers them.
- We tried letters to every household over 80 in 2024: **3%** replied.""",
         outcomes="""1. More isolated older residents identified *before* a crisis.
2. A measurable fall in loneliness scores (UCLA 3-item) after six months.
3. An approach our teams and the voluntary sector can run without specialist staff.""",
         eligibility="Charities, social enterprises, small businesses and community groups in the UK. "
                     "Partnerships with Camden organisations are welcome but not required.",
         tags="loneliness, older people, prevention, community", tiers=[("Winner", 25_000, 1), ("Runner-up", 10_000, 2)]),
    dict(org="northern-lights", phase="open", opens=-14, closes=30, sector="education", type="proposal",
         ip="creator_keeps", title="Keeping pupils in school: alternatives to exclusion in Years 7 to 9",
         summary="Help our secondary academies cut suspensions and exclusions while keeping classrooms safe.",
         problem="""Suspensions in our secondary academies rose by **38%** in two years, most of them in Years 7 to 9.
Pupils with special educational needs, pupils eligible for free school meals and looked-after children are
*three times* more likely to be suspended.

Each exclusion makes a young person more likely to leave school with no qualifications. We are looking for
approaches that deal with behaviour early, inside the school day.""",
         context="Our inclusion leads have tried internal exclusion rooms and reduced timetables. Both kept "
                 "numbers down for a term and then rose again. Families tell us they hear about problems too late.",
         outcomes="- Fewer suspensions in the pilot academies over one school year.\n- Better attendance for the pupils involved.\n- Staff who feel more confident.",
         eligibility="Anyone working with schools: charities, youth workers, teachers, researchers, small firms.",
         tags="exclusions, inclusion, SEND, secondary schools", tiers=[("First prize", 15_000, 1), ("Development grant", 5_000, 3)]),
    dict(org="cornwall", phase="open", opens=-30, closes=1.7, sector="climate", type="prototype",
         ip="licence", title="Keeping coastal villages connected when storms close the roads",
         summary="Prototype ways for isolated coastal communities to get care, medicine and food during storm closures.",
         problem="""Storms closed roads into **37 coastal villages** last winter, some for four days. Home care visits were
missed, prescriptions were late, and people who rely on oxygen or dialysis were moved out as a precaution.

We want prototypes that keep care and supplies flowing when the roads cannot be used.""",
         context="Parish councils keep lists of vulnerable residents, but they are on paper and out of date. "
                 "The lifeboat and community first responders help informally.",
         outcomes="A prototype tested with at least one parish during the winter, with a plan to scale across the county.",
         eligibility="UK-based teams. Drones and vehicles must meet CAA and DVSA rules.",
         tags="flooding, resilience, rural, climate adaptation", tiers=[("Prototype award", 20_000, 1), ("Seed award", 5_000, 2)]),
    dict(org="hartwell", phase="open", opens=-10, closes=45, sector="education", type="ideation",
         ip="creator_keeps", title="Helping schools find young carers sooner",
         summary="Most young carers are hidden. Ideas to help schools and GPs spot them and offer support.",
         problem="""An estimated **one in ten** young people help look after someone at home, yet most are not known
to their school. Hidden young carers miss school, fall behind and rarely get a carer's assessment.""",
         outcomes="Ideas we can fund to a prototype: simple, kind and respectful of families' privacy.",
         eligibility="Anyone, including young carers themselves and their families. Under-18s need a parent's consent to enter.",
         tags="young carers, schools, families", tiers=[("Best idea", 5_000, 1), ("Highly commended", 1_000, 3)]),
    dict(org="riverside", phase="closed", opens=-60, closes=-3, sector="health", type="pilot_ready",
         ip="licence", title="Getting medically fit patients home from hospital sooner",
         summary="Reduce the days patients spend in hospital once they no longer need to be there.",
         problem="""On a typical day **140 of our beds** are filled by patients who are medically fit to leave.
Delays come from waiting for care packages, equipment, transport and paperwork. Older patients lose muscle
strength quickly in bed: ten days in hospital can mean ten years of ageing for the over-80s.""",
         context="- Average delay once fit: 6.2 days.\n- 60% of delays wait on a care package.\n- A discharge-to-assess pilot in 2023 helped but was not sustained.",
         outcomes="Fewer delayed days, fewer readmissions within 30 days, and patients who say they felt ready.",
         eligibility="Organisations able to start a pilot within six months; NHS data security toolkit compliance required.",
         tags="hospital discharge, flow, older people, social care", tiers=[("Pilot contract", 60_000, 1)],
         # Entrants see pseudonymised discharge records: health data, so a full DPIA, signed off by the trust's DPO.
         service_user_data="special", dpia_yes={
             "sensitive": "Discharge records hold diagnoses and care needs.",
             "vulnerable": "Most patients are over 80; some lack capacity.",
             "matching": "Hospital records are joined with the council's care package data.",
         }, dpia_reference="RIV-DPIA-2026-03"),
    dict(org="leeds", phase="judging", opens=-90, closes=-20, sector="housing", type="proposal",
         ip="creator_keeps", title="Making whole-house retrofit simple for owner-occupiers",
         summary="Help homeowners who can pay to plan and finish deep retrofit without the hassle.",
         problem="""Leeds has **150,000 owner-occupied homes** with an EPC rating of D or worse. Grants reach people on low
incomes; everyone else is left to find assessors, installers and finance alone. Most give up after one measure.""",
         outcomes="A service that takes a homeowner from first visit to finished works, with quality assured.",
         eligibility="Businesses, co-operatives and social enterprises. TrustMark registration by the pilot stage.",
         tags="retrofit, net zero, energy efficiency, homes", tiers=[("Winner", 40_000, 1), ("Runner-up", 10_000, 1)]),
    dict(org="camden", phase="decided", opens=-150, closes=-60, sector="housing", type="prototype",
         ip="licence", title="Finding damp and mould before tenants get ill",
         summary="Spot damp and mould in council homes early, before it harms tenants' health.",
         problem="""Under Awaab's Law, social landlords must act on damp and mould within fixed deadlines. We receive **2,400 reports**
a year, but many tenants never report it, and by the time we hear, children are already wheezing.""",
         outcomes="Earlier detection in homes at risk and faster repairs, with tenants' consent and privacy respected.",
         eligibility="UK organisations. Sensors must be installable without damaging fabric.",
         tags="damp, mould, social housing, health", tiers=[("First prize", 30_000, 1), ("Runner-up", 7_500, 2)]),
    dict(org="cornwall", phase="completed", opens=-300, closes=-200, sector="transport", type="pilot_ready",
         ip="licence", title="Community transport to health appointments in rural Cornwall",
         summary="Get people without a car to hospital and GP appointments reliably and affordably.",
         problem="""One in five missed outpatient appointments in Cornwall involve patients with no way to get there.
Bus routes have been cut and volunteer drivers are ageing.""",
         outcomes="A dependable booking and driving service, shared by the NHS, the council and community transport groups.",
         eligibility="Community transport operators, social enterprises and technology partners.",
         tags="transport, rural, appointments, volunteers", tiers=[("Pilot award", 40_000, 1), ("Highly commended", 5_000, 2)]),
    dict(org="pennine", phase="upcoming", opens=7, closes=60, sector="health", type="proposal",
         ip="licence", title="Support while children wait for mental health care",
         summary="Safe, useful support for children and families on the waiting list for CAMHS.",
         problem="""**3,100 children** are waiting for a first appointment with our child and adolescent mental health
services. The median wait is 34 weeks. Families tell us the waiting feels like being forgotten.""",
         outcomes="Children and families who feel supported while they wait, and fewer crises before the first appointment.",
         eligibility="Organisations with safeguarding policies and clinical governance.",
         tags="mental health, children, CAMHS, waiting lists", tiers=[("Winner", 35_000, 1)]),
    dict(org="northern-lights", phase="draft", opens=30, closes=100, sector="climate", type="ideation",
         ip="creator_keeps", title="Halving food waste from school lunches",
         summary="Ideas to cut the food our academies throw away at lunchtime.",
         problem="""Our kitchens serve 9,000 lunches a day and throw away about **a fifth** of the food.""",
         outcomes="", eligibility="",
         tags="food waste, schools, climate", tiers=[("Best idea", 3_000, 1)]),
    dict(org="riverside", phase="in_review", opens=14, closes=75, sector="health", type="pilot_ready",
         ip="licence", title="Fewer missed outpatient appointments",
         summary="Cut the number of outpatient appointments patients miss without telling us.",
         problem="""**8%** of outpatient appointments are missed without notice: 52,000 a year. Each costs about £120 and
delays care for someone else.""",
         outcomes="Fewer missed appointments, especially among patients from the most deprived areas.",
         eligibility="Organisations able to integrate with NHS booking systems safely.",
         tags="outpatients, appointments, health inequalities", tiers=[("Pilot contract", 45_000, 1)],
         # In review: the broker sees that a full DPIA is required and has no DPO sign-off yet.
         service_user_data="special", dpia_yes={
             "evaluation": "Solutions may predict who is likely to miss an appointment.",
             "vulnerable": "Patients, many from the most deprived areas.",
         }),
    dict(org="hartwell", phase="cancelled", opens=-5, closes=40, sector="social_care", type="ideation",
         ip="creator_keeps", title="Digital inclusion for young people leaving care",
         summary="Make sure care leavers have a device, data and the skills to use them.",
         problem="""Young people leaving care often lose their laptop and data when they move out.""",
         outcomes="Every care leaver online on the day they move into their own home.",
         eligibility="Anyone.", tags="care leavers, digital inclusion", tiers=[("Best idea", 5_000, 1)],
         cancel_reason="The government announced a national scheme covering the same need, so we are funding "
                       "its local roll-out instead. Thank you to everyone who showed interest."),
]

QUESTIONS = {
    "Reaching older people who are lonely but not yet known to services": [
        ("Can we use council data to identify residents, or must we find them another way?",
         "We cannot share personal data at the proposal stage. Winners will work with our information governance team "
         "on a data protection impact assessment before any data is shared."),
        ("Is the prize money paid in one go or in stages?",
         "The winner receives half on award and half when the pilot starts."),
        ("Would an approach that works through pharmacies be in scope?", None),
    ],
    "Keeping pupils in school: alternatives to exclusion in Years 7 to 9": [
        ("Can a single teacher enter, or do you expect an organisation?",
         "Individuals are very welcome, including teachers in our own academies."),
    ],
    "Keeping coastal villages connected when storms close the roads": [
        ("Do prototypes need to be tested this winter?",
         "We would like at least one test during a real weather warning, but a simulated exercise is acceptable."),
    ],
    "Getting medically fit patients home from hospital sooner": [
        ("Can we see anonymised data on delays by reason?",
         "Yes: a summary table by week and delay reason is attached to the update of 3 November."),
    ],
}

UPDATES = {
    "Reaching older people who are lonely but not yet known to services": [
        ("Webinar recording and slides", "Thank you to the 60 people who joined the briefing webinar. "
         "The recording covers our data, the borough's voluntary sector map and how judging will work."),
    ],
    "Getting medically fit patients home from hospital sooner": [
        ("Delay data published", "We have published an anonymised summary of discharge delays by reason, "
         "covering the last twelve months."),
        ("Entries closed: thank you", "We received ten entries. The panel meets next month."),
    ],
    "Keeping coastal villages connected when storms close the roads": [
        ("Meet the parishes", "Three parish councils have offered to host prototype tests: Porthleven, Mevagissey "
         "and St Just."),
    ],
}

# Solution titles per challenge (the challenges that receive entries).
SOLUTIONS = {
    "Reaching older people who are lonely but not yet known to services": [
        "Postcards from the lunch club", "Pharmacy conversations that connect", "Estate champions network",
        "Library doorstep visits", "Faith groups befriending circle", "Milk round check-ins"],
    "Keeping pupils in school: alternatives to exclusion in Years 7 to 9": [
        "Restorative circles in tutor time", "Early help text line for parents", "Year 7 transition mentors",
        "Youth workers in the corridor", "Calm rooms run by pupils"],
    "Keeping coastal villages connected when storms close the roads": [
        "Parish resilience lists on paper and phone", "Lifeboat crew medicine runs", "Drone prescription relay",
        "Community fridge network"],
    "Helping schools find young carers sooner": [
        "Young carers' card for school staff", "Assembly toolkit made by young carers", "GP register flag",
        "School nurse drop-ins", "Anonymous online check-in"],
    "Getting medically fit patients home from hospital sooner": [
        "Discharge lounge with care brokers", "Equipment library on the ward", "Home first reablement team",
        "Digital care package marketplace", "Volunteer home-from-hospital drivers", "Ward-based social workers",
        "Same-day pharmacy for discharges", "Family liaison text updates", "Trusted assessor model",
        "Weekend discharge team"],
    "Making whole-house retrofit simple for owner-occupiers": [
        "One-stop retrofit shop", "Street-by-street retrofit club", "Green mortgage partnership",
        "Retrofit coordinators for hire", "Open-source home energy plans", "Installer quality marketplace",
        "Co-operative bulk buying", "Thermal imaging walks", "Retrofit show homes", "Pay-as-you-save plan"],
    "Finding damp and mould before tenants get ill": [
        "Low-cost humidity sensors", "Repairs chatbot for damp reports", "Ventilation retrofit pack",
        "Tenant photo reporting app", "Predictive model from repair records", "Health visitor referrals",
        "Community damp champions", "Heating advice visits", "Window trickle vent programme",
        "Mould-resistant paint trial"],
    "Community transport to health appointments in rural Cornwall": [
        "Shared booking line for all operators", "Volunteer driver app", "Hospital shuttle loop",
        "Taxi voucher scheme", "Car club for carers", "Appointment-aware bus timetables",
        "Electric minibus pool", "Patient transport hub", "Neighbour lift-share", "Outreach clinics by bus"],
}

FIRST_NAMES = ["Aisha", "Ben", "Chloe", "Dev", "Efua", "Finn", "Georgia", "Hamza", "Isla", "Jack", "Kemi", "Liam",
               "Maya", "Noah", "Olu", "Poppy", "Qasim", "Rhiannon", "Sami", "Tara", "Usman", "Vera", "Wes", "Yasmin",
               "Zoe", "Arjun", "Beth", "Callum", "Delyth", "Eilidh"]
LAST_NAMES = ["Ahmed", "Brown", "Campbell", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal", "Jones",
              "Khan", "Lewis", "Murphy", "Nwosu", "O'Brien", "Patel", "Quinn", "Roberts", "Singh", "Thomas",
              "Usher", "Vaughan", "Walker", "Young"]
