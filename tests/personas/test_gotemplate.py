"""Go templates rendered exactly as Ollama renders them."""

from __future__ import annotations

import json

import pytest

from app.engine.types import ChatMessage as M
from app.personas.gotemplate import GoTemplateSyntaxError, UnsupportedTemplateError, parse
from app.personas.gotemplate_exec import Executor, GoTemplateExecError
from app.personas.ollama_template import (
    compile_template,
    render,
    render_or_fallback,
    template_problem,
)

CONVO = [M("system", "Be brief."), M("user", "Hi"), M("assistant", "Hello!"), M("user", "Bye")]

# Ollama's qwen2.5 template (messages, tools, the $last idiom)
QWEN = """{{- if .Messages }}
{{- if or .System .Tools }}<|im_start|>system
{{- if .System }}
{{ .System }}
{{- end }}
{{- if .Tools }}

# Tools

<tools>
{{- range .Tools }}
{"type": "function", "function": {{ .Function }}}
{{- end }}
</tools>
{{- end }}<|im_end|>
{{ end }}
{{- range $i, $_ := .Messages }}
{{- $last := eq (len (slice $.Messages $i)) 1 -}}
{{- if eq .Role "user" }}<|im_start|>user
{{ .Content }}<|im_end|>
{{ else if eq .Role "assistant" }}<|im_start|>assistant
{{ if .Content }}{{ .Content }}
{{- else if .ToolCalls }}<tool_call>
{{ range .ToolCalls }}{"name": "{{ .Function.Name }}", "arguments": {{ .Function.Arguments }}}
{{ end }}</tool_call>
{{- end }}{{ if not $last }}<|im_end|>
{{ end }}
{{- else if eq .Role "tool" }}<|im_start|>user
<tool_response>
{{ .Content }}
</tool_response><|im_end|>
{{ end }}
{{- if and (ne .Role "assistant") $last }}<|im_start|>assistant
{{ end }}
{{- end }}
{{- else }}
{{- if .System }}<|im_start|>system
{{ .System }}<|im_end|>
{{ end }}{{ if .Prompt }}<|im_start|>user
{{ .Prompt }}<|im_end|>
{{ end }}<|im_start|>assistant
{{ end }}{{ .Response }}{{ if .Response }}<|im_end|>{{ end }}"""

LLAMA3 = """{{- if .System }}<|start_header_id|>system<|end_header_id|>

{{ .System }}<|eot_id|>
{{- end }}
{{- range .Messages }}
{{- if ne .Role "system" }}<|start_header_id|>{{ .Role }}<|end_header_id|>

{{ .Content }}<|eot_id|>
{{- end }}
{{- end }}<|start_header_id|>assistant<|end_header_id|>

"""

LEGACY_CHATML = (
    "{{ if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}"
    "{{ if .Prompt }}<|im_start|>user\n{{ .Prompt }}<|im_end|>\n{{ end }}"
    "<|im_start|>assistant\n{{ .Response }}<|im_end|>\n"
)


def test_qwen_messages_template_exact() -> None:
    assert render(QWEN, CONVO) == (
        "<|im_start|>system\nBe brief.<|im_end|>\n"
        "<|im_start|>user\nHi<|im_end|>\n"
        "<|im_start|>assistant\nHello!<|im_end|>\n"
        "<|im_start|>user\nBye<|im_end|>\n"
        "<|im_start|>assistant\n"
    )


def test_qwen_with_tools_and_tool_calls() -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather",
            "parameters": {"type": "object"},
        },
    }
    call = {
        "id": "c1",
        "type": "function",
        "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
    }
    msgs = [
        M("user", "Weather?"),
        M("assistant", "", tool_calls=(call,)),
        M("tool", "18C", tool_call_id="c1"),
    ]
    out = render(QWEN, msgs, tools=[tool])
    head, rest = out.split("</tools>", 1)
    assert head.startswith("<|im_start|>system\n\n# Tools\n\n<tools>\n")
    line = head.splitlines()[-1]
    assert line.startswith('{"type": "function", "function": ')
    assert json.loads(line[len('{"type": "function", "function": ') : -1]) == tool["function"]
    assert rest == (
        "<|im_end|>\n"
        "<|im_start|>user\nWeather?<|im_end|>\n"
        '<|im_start|>assistant\n<tool_call>\n{"name": "get_weather", "arguments": {"city":"Paris"}}\n'
        "</tool_call><|im_end|>\n"
        "<|im_start|>user\n<tool_response>\n18C\n</tool_response><|im_end|>\n"
        "<|im_start|>assistant\n"
    )


def test_llama3_template_exact() -> None:
    assert render(LLAMA3, CONVO) == (
        "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\n"
    )


def test_legacy_template_runs_per_turn_and_stops_after_response() -> None:
    assert render(LEGACY_CHATML, CONVO) == (
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
        "<|im_start|>assistant\nHello!<|im_end|>\n"
        "<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n"
    )


def test_legacy_template_without_response_gets_one_appended() -> None:
    t = "[INST] {{ if .System }}{{ .System }} {{ end }}{{ .Prompt }} [/INST]"
    assert compile_template(t).vars == frozenset({"system", "prompt", "response"})
    assert render(t, CONVO) == "[INST] Be brief. Hi [/INST]Hello![INST] Bye [/INST]"


def test_collation_merges_consecutive_roles_and_systems() -> None:
    t = "{{ .System }}|{{ range .Messages }}{{ .Role }}={{ .Content }};{{ end }}"
    msgs = [M("system", "a"), M("system", "b"), M("user", "x"), M("user", "y"), M("developer", "c")]
    assert render(t, msgs) == "a\n\nb\n\nc|system=a\n\nb;user=x\n\ny;system=c;"


@pytest.mark.parametrize(
    ("src", "data", "out"),
    [
        ("a  {{- 1 -}}  b", {}, "a1b"),
        ("a\n{{- /* comment */ -}}\nb", {}, "ab"),
        ("x{{/* c */}}y", {}, "xy"),
        ("{{ $x := .A }}{{ $x }}{{ $x = 2 }}{{ $x }}", {"A": 1}, "12"),
        (
            "{{ range $i, $v := .L }}{{ $i }}:{{ $v }},{{ else }}empty{{ end }}",
            {"L": ["a", "b"]},
            "0:a,1:b,",
        ),
        ("{{ range .L }}{{ . }}{{ else }}empty{{ end }}", {"L": []}, "empty"),
        (
            "{{ range .L }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 4 }}{{ break }}{{ end }}{{ . }}{{ end }}",
            {"L": [1, 2, 3, 4, 5]},
            "13",
        ),
        ("{{ range 3 }}{{ . }}{{ end }}", {}, "012"),
        (
            "{{ range $k, $v := .M }}{{ $k }}={{ $v }} {{ end }}",
            {"M": {"b": 2, "a": 1}},
            "a=1 b=2 ",
        ),
        ("{{ with .A }}[{{ . }}]{{ else }}none{{ end }}", {"A": ""}, "none"),
        ("{{ with .A }}[{{ . }}]{{ else with .B }}b={{ . }}{{ end }}", {"A": 0, "B": "x"}, "b=x"),
        ("{{ if .A }}a{{ else if .B }}b{{ else }}c{{ end }}", {"A": False, "B": [1]}, "b"),
        ('{{ printf "%s=%d %q %v %5.2f%%" "k" 42 "q" true 3.14159 }}', {}, 'k=42 "q" true  3.14%'),
        ('{{ print 1 2 "a" "b" 3 }}|{{ println 1 "a" }}', {}, "1 2ab3|1 a\n"),
        (
            '{{ eq .R "user" "tool" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ ge 2.5 2.5 }}',
            {"R": "tool"},
            "true true true true",
        ),
        ('{{ and 1 0 2 }} {{ or 0 "" "x" }} {{ not .Z }}', {"Z": []}, "0 x true"),
        (
            '{{ len .S }} {{ len .L }} {{ index .L 1 }} {{ slice .L 1 }} {{ index .M "k" }}',
            {"S": "é", "L": [1, 2, 3], "M": {"k": "v"}},
            "2 3 2 [2 3] v",
        ),
        ("{{ .Missing }}|{{ if .Missing }}yes{{ else }}no{{ end }}", {}, "<no value>|no"),
        (
            "{{ json .M }} {{ .F }} {{ .I }} {{ .B }} {{ .L }}",
            {"M": {"b": "<&>", "a": 1}, "F": 2.0, "I": -3, "B": False, "L": ["x", 1]},
            '{"a":1,"b":"\\u003c\\u0026\\u003e"} 2 -3 false [x 1]',
        ),
        ("{{ .A.B.C }}", {"A": {"B": {"C": "deep"}}}, "deep"),
        ("{{ (index .L 0).Name }} {{ $.Top }}", {"L": [{"Name": "n"}], "Top": "t"}, "n t"),
        (
            '{{ .S | printf "<%s>" }} {{ "a\\tb\\u00e9" }} {{ `raw\\n` }}',
            {"S": "x"},
            "<x> a\tbé raw\\n",
        ),
        (
            '{{ html "<a href=\'x\'>" }} {{ urlquery "a b&c" }}',
            {},
            "&lt;a href=&#39;x&#39;&gt; a+b%26c",
        ),
    ],
)
def test_go_semantics(src: str, data: dict, out: str) -> None:  # type: ignore[type-arg]
    assert Executor(data).run(parse(src)) == out


def test_message_struct_fields_are_checked() -> None:
    with pytest.raises(GoTemplateExecError, match="can't evaluate field Nope"):
        render("{{ range .Messages }}{{ .Nope }}{{ end }}", [M("user", "x")])
    with pytest.raises(GoTemplateExecError, match="nil pointer"):
        Executor({}).run(parse("{{ .A.B }}"))
    with pytest.raises(GoTemplateExecError, match="incompatible types"):
        Executor({}).run(parse('{{ eq 1 "1" }}'))


@pytest.mark.parametrize(
    ("src", "line", "words"),
    [
        ("ok\n{{ if .A }}x", 2, "no {{end}}"),
        ("a\nb\n{{ .A", 3, "unclosed action"),
        ("{{ end }}", 1, "unexpected {{end}}"),
        ("x\n{{ upper .A }}", 2, 'function "upper" not defined'),
        ("{{ break }}", 1, "outside {{range}}"),
        ("{{/* open", 1, "unclosed comment"),
        ("{{ (.A }}", 1, "unbalanced"),
    ],
)
def test_syntax_errors(src: str, line: int, words: str) -> None:
    with pytest.raises(GoTemplateSyntaxError) as info:
        parse(src)
    assert info.value.line == line
    assert words in str(info.value)


@pytest.mark.parametrize(
    "src",
    [
        '{{ define "x" }}a{{ end }}',
        '{{ template "x" . }}',
        '{{ block "b" . }}{{ end }}',
        "{{ js .A }}",
        "{{ call .F }}",
    ],
)
def test_unsupported_constructs_fall_back(src: str) -> None:
    with pytest.raises(UnsupportedTemplateError):
        parse(src)
    assert "does not support" in (template_problem(src) or "")
    prompt, reason = render_or_fallback(src, [M("user", "hi")])
    assert prompt is None and reason is not None and "model's own chat template" in reason


def test_render_or_fallback_renders_supported_templates() -> None:
    assert render_or_fallback(LEGACY_CHATML, [M("user", "hi")]) == (
        "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n",
        None,
    )
    assert render_or_fallback(None, [M("user", "hi")]) == (None, None)


def test_fill_in_the_middle() -> None:
    t = "<PRE> {{ .Prompt }} <SUF>{{ .Suffix }} <MID>"
    assert render(t, [], prompt="def f(", suffix="return x") == "<PRE> def f( <SUF>return x <MID>"


def test_tool_definitions_are_go_structs() -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather now",
            "parameters": {
                "type": "object",
                "required": ["city"],
                "properties": {
                    "unit": {"type": "string", "description": "C or F"},
                    "city": {"type": "string", "description": "City name"},
                },
            },
        },
    }
    t = (
        "{{ range .Tools }}def {{ .Function.Name }}("
        "{{- range $name, $p := .Function.Parameters.Properties }}{{ $name }}: {{ $p.Type }}, {{ end }})"
        ": {{ .Function.Description }} {{ .Function.Parameters.Required }}{{ end }}"
        '{{ range .Messages }}{{ if eq .Role "system" }}{{ continue }}{{ end }}|{{ .Content }}{{ end }}'
    )
    out = render(t, [M("system", "s"), M("user", "u")], tools=[tool])
    assert out == "def get_weather(city: string, unit: string, ): Weather now [city]|u"
