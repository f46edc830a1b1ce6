"""Every language Retour ships is complete: each message translated, none fuzzy, placeholders kept.

The catalogs are made with `make messages`; this test fails when a string was added in the code
without its translations, or when a translation lost or renamed a placeholder (which would crash
or mislead at run time).
"""

import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w*)\}")


def locale_folder(language_code: str) -> str:
    language, _, region = language_code.partition("-")
    if not region:
        return language
    return f"{language}_{region.title() if len(region) == 4 else region.upper()}"


def catalog(language_code: str):
    path = LOCALE_DIR / locale_folder(language_code) / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"no catalog for {language_code} at {path}"
    with path.open("rb") as handle:
        return read_po(handle)


def placeholders(text: str) -> set[str]:
    return {"".join(match) for match in PLACEHOLDER.findall(text)}


@pytest.mark.parametrize("language_code", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(language_code):
    messages = [message for message in catalog(language_code) if message.id]
    assert len(messages) > 100
    untranslated = [
        m.id for m in messages if not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == [], (
        f"{language_code}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    )
    assert fuzzy == [], f"{language_code}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("language_code", TRANSLATED)
def test_translations_keep_every_placeholder(language_code):
    broken = []
    for message in catalog(language_code):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = placeholders(ids[-1])
        for string in strings:
            if placeholders(string) != expected and placeholders(string) != placeholders(ids[0]):
                broken.append((ids[0], string))
    assert broken == [], f"{language_code}: placeholders differ in {broken[:5]}"


@pytest.mark.parametrize("language_code", TRANSLATED)
def test_compiled_catalog_matches_the_source(language_code):
    folder = LOCALE_DIR / locale_folder(language_code) / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as handle:
        compiled = read_mo(handle)
    source_ids = {m.id for m in catalog(language_code) if m.id and not m.fuzzy}
    # read_mo gives a plural message's ids as a list; read_po gives a tuple.
    compiled_ids = {tuple(m.id) if isinstance(m.id, list) else m.id for m in compiled if m.id}
    assert source_ids == compiled_ids, "django.mo is stale: run `make messages`"


@pytest.mark.parametrize(
    ("language_code", "expected"),
    [
        ("de", "Nicht gefunden."),
        ("ja", None),
        ("zh-hans", None),
        ("fr", None),
        ("es", None),
        ("pt-br", None),
    ],
)
def test_catalogs_load_at_run_time(language_code, expected):
    from django.utils import translation

    from retour.core.exceptions import NotFound

    with translation.override(language_code):
        rendered = str(NotFound().message)
    assert rendered != "Not found."
    if expected:
        assert rendered == expected
