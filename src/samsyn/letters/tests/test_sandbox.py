"""The template language: nothing outside the plain values is in reach (ADR 016)."""

from datetime import date

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from samsyn.letters import sandbox

CONTEXT = {"namn": "Maja Brevsson", "datum": date(2026, 11, 22), "lista": ["a", "b"]}

# Known escapes from Jinja sandboxes and server-side template injection payloads.
ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ self.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ joiner.__init__.__globals__.os.popen('id').read() }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ range.__class__ }}",
    "{{ config }}{{ config.items() }}",
    "{{ request }}{{ request.environ }}",
    "{{ settings.SECRET_KEY }}",
    "{{ '{0.__class__}'.format(namn) }}",
    "{{ '{0.__class__.__init__.__globals__}'.format(namn) }}",
    "{{ '%s'|format(namn) }}",
    "{{ namn|attr('__class__') }}",
    "{{ namn|attr('__class__')|attr('__mro__') }}",
    "{{ namn['__class__'] }}",
    "{{ namn.__class__.__base__.__subclasses__() }}",
    "{{ datum.__class__ }}",
    "{{ datum.replace(year=1) }}",
    "{{ lista.__class__ }}{{ lista.append('x') }}",
    "{{ namn.upper() }}",
    "{% set x = namn.__class__ %}{{ x }}",
    "{% for c in ''.__class__.__mro__ %}{{ c }}{% endfor %}",
    "{% for i in range(10) %}x{% endfor %}",
    "{{ 'x' * 100000000 }}",
    "{{ 9 ** 999999 }}",
    "{% import 'os' as os %}",
    "{% include 'base.html' %}",
    "{% extends 'base.html' %}",
    "{{ get_flashed_messages.__globals__ }}",
    "{{ url_for.__globals__ }}",
]

LEAKS = ["class", "mro", "globals", "subclasses", "module", "function", "built-in", "object at"]


@pytest.mark.parametrize("source", ESCAPES)
def test_an_escape_renders_nothing_of_code_or_settings(source):
    result = sandbox.render(source, CONTEXT)
    out = result.text.lower()
    for leak in LEAKS:
        assert leak not in out
    assert settings.SECRET_KEY.lower() not in out
    assert "xxxxxxxxxx" not in out


def test_the_allowed_fields_and_filters_render():
    result = sandbox.render(
        "Hej {{ namn }}, {{ datum|datum }} / {{ datum|datum('lång') }} {{ datum.year }} "
        "{{ lista|lista }} {{ saknas|d('inget') }}",
        CONTEXT,
    )
    assert result.ok
    assert result.text == "Hej Maja Brevsson, 2026-11-22 / 22 november 2026 2026 a, b inget"


def test_a_model_or_callable_in_the_context_is_refused():
    with pytest.raises(TypeError):
        sandbox.render("{{ x }}", {"x": object()})
    with pytest.raises(TypeError):
        sandbox.render("{{ x }}", {"x": len})
    with pytest.raises(TypeError):
        sandbox.render("{{ x }}", {"x": {"nested": "mapping"}})


def test_an_undefined_field_and_a_broken_template():
    assert sandbox.render("a{{ nothing.deeper.still }}b", {}).text == "ab"
    broken = sandbox.render("{% if %}", {})
    assert not broken.ok
    assert broken.text == ""


def test_to_html_structure():
    html = sandbox.to_html("# Rubrik\nrad ett\nrad två\n\n- a\n- b\n\nslut")
    assert html == (
        "<h2>Rubrik</h2><p>rad ett<br>rad två</p><ul><li>a</li><li>b</li></ul><p>slut</p>"
    )


def test_markup_in_a_template_or_a_value_is_escaped_in_the_output():
    result = sandbox.render("<script>alert(1)</script>{{ namn }}", {"namn": "<b>x</b>"})
    html = sandbox.to_html(result.text)
    assert "<script>" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


@given(st.text(max_size=300))
def test_to_html_never_lets_a_tag_through(text):
    html = str(sandbox.to_html(text))
    stripped = (
        html.replace("<h2>", "")
        .replace("</h2>", "")
        .replace("<p>", "")
        .replace("</p>", "")
        .replace("<br>", "")
        .replace("<ul>", "")
        .replace("</ul>", "")
        .replace("<li>", "")
        .replace("</li>", "")
    )
    assert "<" not in stripped
    assert ">" not in stripped


@given(st.text(max_size=200))
def test_any_value_renders_as_itself(value):
    result = sandbox.render("{{ v }}", {"v": value})
    assert result.ok
    assert result.text == value.strip()
