"""Ready-made rubric lines: an SBRI-style 0–4 rubric and the UK Social Value Model's missions (PPN 002).

Plain data, so the rubric editor can offer them and tests can check them.
"""
from __future__ import annotations

# The 0–4 descriptors UK public buyers use in SBRI competitions and tender evaluation.
SBRI_LEVELS = [
    "No response: the question is not answered, or the answer is wholly unacceptable",
    "Poor: the answer addresses the question only in part, with major gaps or risks",
    "Limited: the answer meets some of the requirement, with weaknesses or little evidence",
    "Acceptable: the answer meets the requirement with sound evidence and minor weaknesses",
    "Good: the answer meets the requirement in full, with strong evidence and clear benefits",
]

SBRI_CRITERIA = [
    ("Innovation", "How new the solution is, and how far it goes beyond what is already available.", 25),
    ("Impact and benefits", "The difference it would make to the people the service is for, and the evidence for it.", 25),
    ("Feasibility", "Whether the approach can work, the technical and delivery risks, and how they are managed.", 20),
    ("Team and capability", "Whether the team has the skills, experience and partners to deliver.", 10),
    ("Value for money", "Whether the costs are realistic and the benefits justify them.", 10),
]

# The UK Social Value Model as PPN 002 (February 2025, mandatory for central government from 1 October
# 2025) sets it out: five missions, each with the outcome a commissioner looks for (in our words). It
# replaced PPN 06/20's themes (COVID-19 recovery, economic inequality, climate change, equal opportunity,
# wellbeing). Councils and NHS bodies are not bound by it but many follow it.
SOCIAL_VALUE_THEMES = {
    "economic_growth": ("Kickstart economic growth",
                        "Fair work and good jobs, skills, and resilient supply chains open to small firms and "
                        "voluntary, community and social enterprises."),
    "clean_energy": ("Make Britain a clean energy superpower",
                     "Progress towards net zero and care for the environment in delivering the work."),
    "safer_streets": ("Take back our streets",
                      "Safer, more cohesive communities: less crime and antisocial behaviour, and no modern slavery "
                      "in the supply chain."),
    "opportunity": ("Break down barriers to opportunity",
                    "Jobs, training and progression for people who face barriers, and a workforce that reflects "
                    "the community."),
    "health": ("Build an NHS fit for the future",
               "Better physical and mental health for the workforce and the community, and less pressure on "
               "health and care services."),
}
SOCIAL_VALUE_CHOICES = [(key, label) for key, (label, _) in SOCIAL_VALUE_THEMES.items()]

#: PPN 002: social value carries at least this share of the total weight.
SOCIAL_VALUE_MIN_PERCENT = 10


def generic_levels(scale_min: int, scale_max: int) -> list[str]:
    """Descriptors for any scale, so that no level is left unexplained."""
    if (scale_min, scale_max) == (0, 4):
        return list(SBRI_LEVELS)
    if (scale_min, scale_max) == (1, 5):
        return ["Very weak", "Weak", "Adequate", "Strong", "Outstanding"]
    top = scale_max
    return [
        "No response" if v == scale_min else "Outstanding" if v == top else
        ("Weak" if v < top * 0.4 else "Adequate" if v < top * 0.7 else "Strong")
        for v in range(scale_min, scale_max + 1)
    ]
