"""The standard template surveys that ship with SEND Hub.

An administrator starts a new survey from one of these (``surveys.create_survey(template=key)``) and can then
change any question. Trust questions (``trust``) are agree-or-disagree (Likert) questions that make up the
survey's trust index (see ``surveys.py``). Keys are stable: they are used in forms and tests.
"""

from __future__ import annotations

LIKERT = "likert"
YES_NO = "yes_no"
SINGLE = "single"
MULTIPLE = "multiple"
FREE_TEXT = "free_text"

_PRIVACY = (
    "We use your answers to understand how well support for children and young people with special educational "
    "needs and disabilities (SEND) is working, and to decide what to improve. You do not need to give your name. "
    "Before anyone reads what you write, names, email addresses, phone numbers, addresses and dates of birth are "
    "removed. Only staff of the local area partnership and the parent carer forum see the answers, and we publish "
    "only totals that nobody can be identified from. We keep answers for 3 years, then delete them. If something "
    "you write suggests a child or adult may be at risk of harm, we will follow our safeguarding procedure."
)

STANDARD_TEMPLATES: dict[str, dict] = {
    "parent-carer-experience": {
        "title": "Parent carer experience survey",
        "description": "For parents and carers: being listened to, trust, information and joined-up support.",
        "welcome_text": (
            "Tell us about your family's experience of support for special educational needs and disabilities "
            "(SEND) over the last 12 months. It takes about 10 minutes. You can skip any question marked optional."
        ),
        "privacy_text": _PRIVACY,
        "questions": [
            {
                "text": "I feel listened to",
                "hint": "By the professionals who support my child",
                "kind": LIKERT,
                "trust": True,
            },
            {"text": "I trust the local area to meet my child's needs", "kind": LIKERT, "trust": True},
            {"text": "When I raise a concern, it is taken seriously", "kind": LIKERT, "trust": True},
            {"text": "The services supporting my child work well together", "kind": LIKERT, "trust": True},
            {"text": "I know where to find information about support for my child", "kind": LIKERT},
            {
                "text": "Does your child have an education, health and care (EHC) plan?",
                "kind": YES_NO,
                "required": False,
            },
            {
                "text": "Which services has your child used in the last 12 months?",
                "hint": "Select all that apply",
                "kind": MULTIPLE,
                "choices": [
                    "School or college support",
                    "Health services",
                    "Social care",
                    "Short breaks",
                    "SEND information and advice service (SENDIASS)",
                    "The Local Offer website",
                ],
                "required": False,
            },
            {
                "text": "Overall, how would you rate your experience of SEND support in the last 12 months?",
                "kind": SINGLE,
                "choices": ["Very good", "Good", "Neither good nor poor", "Poor", "Very poor"],
            },
            {
                "text": "What one thing would make the biggest difference to your family?",
                "kind": FREE_TEXT,
                "required": False,
            },
            {"text": "Is there anything else you would like to tell us?", "kind": FREE_TEXT, "required": False},
        ],
    },
    "young-peoples-voice": {
        "title": "Young people's voice",
        "description": "For children and young people with SEND: being heard, feeling safe, ready for what is next.",
        "welcome_text": (
            "We want to know what it is like for you at school or college and with the people who support you. "
            "There are no right or wrong answers. You can skip any question marked optional."
        ),
        "privacy_text": (
            "You do not need to tell us your name. We take out names and other details that could show who you "
            "are before anyone reads your answers. If you tell us something that makes us worried you are not "
            "safe, we will need to tell someone who can help."
        ),
        "questions": [
            {"text": "People listen to what I have to say about my support", "kind": LIKERT, "trust": True},
            {"text": "I am involved in decisions about my education and support", "kind": LIKERT, "trust": True},
            {"text": "I trust the adults who support me to help when I need it", "kind": LIKERT, "trust": True},
            {"text": "I feel safe at school or college", "kind": LIKERT},
            {"text": "I know who to talk to if I am worried", "kind": LIKERT},
            {
                "text": "I feel ready for what happens next",
                "hint": "For example a new school, college, work or living more independently",
                "kind": LIKERT,
            },
            {"text": "Do you have an education, health and care (EHC) plan?", "kind": YES_NO, "required": False},
            {"text": "What is going well for you?", "kind": FREE_TEXT, "required": False},
            {"text": "What would make things better?", "kind": FREE_TEXT, "required": False},
        ],
    },
}
