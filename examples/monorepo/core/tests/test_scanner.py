from s2nscanner import mask, scan


def test_url_password_found():
    (f,) = scan("pip install --index-url https://bob:hunter2@index.invalid/simple x")
    assert f.kind == "url-password"


def test_github_token_masked():
    token = "ghp_" + "a" * 36
    assert mask(f"token={token} ok") == "token=*** ok"


def test_clean_text_untouched():
    assert mask("nothing to see") == "nothing to see"


def test_findings_sorted():
    text = "ghp_" + "b" * 36 + " https://u:p@h/"
    kinds = [f.kind for f in scan(text)]
    assert kinds == ["github-token", "url-password"]
