"""Words for believable generated challenges: pages render text of realistic length and variety."""
from __future__ import annotations

import random

AIMS = [
    "Reducing loneliness among older people", "Getting more young carers the support they need",
    "Cutting missed hospital appointments", "Helping families stay in their homes",
    "Making bus journeys easier for disabled passengers", "Keeping excluded pupils in learning",
    "Warmer homes for tenants in fuel poverty", "Faster discharge from hospital to home",
    "Finding work for people leaving prison", "Less food waste from school kitchens",
    "Safer walking routes to school", "Earlier help for people in debt",
    "Cleaner air around primary schools", "Better mental health support for new parents",
    "More volunteers for community transport", "Fewer falls at home for people over 75",
    "Digital skills for people who are offline", "Greener streets in dense neighbourhoods",
]
PLACES = [
    "Leeds", "Bristol", "Greater Manchester", "Cornwall", "Tower Hamlets", "Norfolk", "Sheffield",
    "Cumbria", "Newcastle", "Kent", "Birmingham", "Brighton and Hove", "Derbyshire", "Plymouth",
    "Wolverhampton", "North Yorkshire", "Lambeth", "Suffolk", "Nottingham", "Gateshead",
]
ORG_PREFIXES = {
    "local_authority": ["{} City Council", "{} Council", "{} County Council"],
    "nhs_trust": ["{} Teaching Hospitals NHS Trust", "{} Community Health NHS Trust"],
    "government_department": ["Department for {} Services"],
    "school_trust": ["{} Learning Trust"],
    "charity": ["{} Community Foundation", "Age Friendly {}"],
    "social_enterprise": ["{} Works CIC"],
    "investor": ["{} Social Investment Fund"],
}
SENTENCES = [
    "Demand has grown every year while budgets have not.",
    "Front-line staff tell us the current process wastes hours each week.",
    "People with lived experience describe the service as hard to reach.",
    "We have data from the last three years and will share it with entrants.",
    "Previous pilots worked at small scale but did not last beyond their funding.",
    "The solution must work for people who do not use the internet.",
    "We want to hear from small organisations as much as from large ones.",
    "Any approach must respect people's privacy and meet UK GDPR.",
    "The winning team will work with our commissioners on a twelve-week pilot.",
    "We will measure success by outcomes for residents, not by activity.",
]
TAGS = ["ageing", "digital", "prevention", "net zero", "co-design", "data", "workforce", "rural",
        "young people", "inclusion", "procurement", "wellbeing"]
SOLUTION_WORDS = ["app", "service", "toolkit", "network", "platform", "programme", "kit", "hub"]


def sentences(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(n))


def markdown_problem(rng: random.Random) -> str:
    """About 1,500 characters of Markdown: what a real challenge brief carries."""
    bullets = "\n".join(f"- {rng.choice(SENTENCES)}" for _ in range(4))
    return (f"## The problem\n\n{sentences(rng, 6)}\n\n## What we know\n\n{bullets}\n\n"
            f"## Why now\n\n{sentences(rng, 5)}")


def tags(rng: random.Random) -> str:
    return ", ".join(rng.sample(TAGS, rng.randint(1, 4)))
