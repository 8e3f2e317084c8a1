from tests.lint.helpers import codes, lint_flow, of


def test_bad(tmp_path):
    src = '''
    workflow W
      on http POST "/hook" public
      Go: pass
    '''
    (d,) = of(lint_flow(tmp_path, src), "FLOW506")
    assert "public" in d.message and d.severity.value == "warning" and d.span.line == 2


def test_good_authenticated_routes(tmp_path):
    src = '''
    workflow W
      on http POST "/hook" auth github secret "github/hook"
      on http POST "/api" auth iam
      on http POST "/jwt" auth jwt issuer "https://issuer.example.com" audience "app"
      Go: pass
    '''
    assert "FLOW506" not in codes(lint_flow(tmp_path, src))


def test_the_yaml_twin_is_flagged_too(tmp_path):
    src = "workflow: W\ntriggers:\n  - http: GET /health\n    public: true\nsteps:\n  - Go: pass\n"
    (d,) = of(lint_flow(tmp_path, src, name="w.flow.yaml"), "FLOW506")
    assert d.span.line == 3
