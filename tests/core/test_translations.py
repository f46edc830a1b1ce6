"""Every language Retour ships is complete: each message translated, none fuzzy, placeholders kept.

Each app keeps its own catalog in `<app>/locale` (and `config/locale` holds the project-wide
strings); they are made with `make messages`. This test fails when a string was added in the code
without its translations, or when a translation lost or renamed a placeholder (which would crash
or mislead at run time).
"""

import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.apps import apps
from django.conf import settings

TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]
LOCALE_DIRS = [Path(path) for path in settings.LOCALE_PATHS] + [
    Path(config.path) / "locale"
    for config in apps.get_app_configs()
    if config.name.startswith("retour.") and (Path(config.path) / "locale").is_dir()
]
CATALOGS = [
    pytest.param(locale_dir, code, id=f"{locale_dir.parent.name}-{code}")
    for locale_dir in LOCALE_DIRS
    for code in TRANSLATED
]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w*)\}")


def locale_folder(language_code: str) -> str:
    language, _, region = language_code.partition("-")
    if not region:
        return language
    return f"{language}_{region.title() if len(region) == 4 else region.upper()}"


def catalog(locale_dir: Path, language_code: str):
    path = locale_dir / locale_folder(language_code) / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"no catalog for {language_code} at {path}"
    with path.open("rb") as handle:
        return read_po(handle)


def placeholders(text: str) -> set[str]:
    return {"".join(match) for match in PLACEHOLDER.findall(text)}


def test_every_retour_app_has_its_catalog():
    names = {locale_dir.parent.name for locale_dir in LOCALE_DIRS}
    assert {"core", "returns", "policies", "config"} <= names


@pytest.mark.parametrize(("locale_dir", "language_code"), CATALOGS)
def test_every_message_is_translated_and_none_is_fuzzy(locale_dir, language_code):
    messages = [message for message in catalog(locale_dir, language_code) if message.id]
    untranslated = [
        m.id for m in messages if not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == [], (
        f"{language_code}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    )
    assert fuzzy == [], f"{language_code}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize(("locale_dir", "language_code"), CATALOGS)
def test_translations_keep_every_placeholder(locale_dir, language_code):
    broken = []
    for message in catalog(locale_dir, language_code):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = placeholders(ids[-1])
        for string in strings:
            if placeholders(string) != expected and placeholders(string) != placeholders(ids[0]):
                broken.append((ids[0], string))
    assert broken == [], f"{language_code}: placeholders differ in {broken[:5]}"


@pytest.mark.parametrize(("locale_dir", "language_code"), CATALOGS)
def test_compiled_catalog_matches_the_source(locale_dir, language_code):
    folder = locale_dir / locale_folder(language_code) / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as handle:
        compiled = read_mo(handle)
    source_ids = {m.id for m in catalog(locale_dir, language_code) if m.id and not m.fuzzy}
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
