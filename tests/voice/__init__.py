"""Voice tests. This package is also a URL configuration (``pytest.mark.urls("tests.voice")``): the project's
URLs plus the voice pages, for as long as ``sendhub/urls.py`` does not mount them itself.
"""

from django.urls import NoReverseMatch, include, path, reverse

from sendhub.urls import handler403, handler404, handler500  # noqa: F401 - the same error pages
from sendhub.urls import urlpatterns as _project


def _mounted(name: str, *args: str) -> bool:
    try:
        reverse(name, urlconf="sendhub.urls", args=args)
    except NoReverseMatch:
        return False
    return True


urlpatterns = list(_project)
if not _mounted("voice-public:feedback", "x"):
    urlpatterns.append(path("areas/<slug:area_slug>/have-your-say/", include("sendhub.voice.urls_public")))
if not _mounted("surveys:list", "x"):
    urlpatterns.append(path("areas/<slug:area_slug>/surveys/", include("sendhub.voice.urls_surveys")))
if not _mounted("voice:overview", "x"):
    urlpatterns.append(path("areas/<slug:area_slug>/voice/", include("sendhub.voice.urls_staff")))
if not _mounted("you-said-we-did:index", "x"):
    urlpatterns.append(path("areas/<slug:area_slug>/you-said-we-did/", include("sendhub.voice.urls_ysd")))


def classifier_ready() -> bool:
    """True once the voice NLP modules that ``services.record_comment`` calls all exist."""
    import importlib.util

    return all(
        importlib.util.find_spec(f"sendhub.voice.{name}") is not None
        for name in ("redaction", "safeguarding", "classifier")
    )


def quick_classify(texts, area=None):
    """A stand-in for ``classifier.classify``: training the real model takes seconds of CPU once per process, so
    only tests that ask for the ``real_classifier`` fixture use it; redaction and safeguarding always run for real."""
    from sendhub.voice.backends import Prediction

    return [Prediction(themes={}, sentiment="neutral", sentiment_confidence=0.5) for _ in texts]


def stand_in_record_comment(
    *,
    area,
    text,
    source,
    received_at,
    consent_to_contact=False,
    district="",
    parts=None,
    feedback=None,
    response=None,
    question=None,
):
    """``services.record_comment`` before the NLP modules exist: redacts with the real module if present."""
    from sendhub.voice.models import Comment

    try:
        from sendhub.voice import redaction

        redacted = redaction.redact(text)
        clean, kinds = redacted.text, sorted(set(redacted.kinds))
    except ImportError:
        clean, kinds = text, []
    return Comment.objects.create(
        area=area,
        source=source,
        feedback=feedback,
        answer_response=response,
        question=question,
        text=clean,
        original_text=text if consent_to_contact else "",
        redactions=kinds,
        received_at=received_at,
        district=district,
        parts=parts or [],
    )


def use_record_comment(request, monkeypatch) -> None:
    """The real ``record_comment`` (real redaction and safeguarding); the real classifier only for tests that ask
    for a fixture named ``real_classifier``. Before the NLP modules exist, a stand-in."""
    if not classifier_ready():
        monkeypatch.setattr("sendhub.voice.services.record_comment", stand_in_record_comment)
    elif "real_classifier" not in request.fixturenames:
        monkeypatch.setattr("sendhub.voice.classifier.classify", quick_classify)
