import http.server
import json
import threading
import time
from pathlib import Path

import pytest

from ingest.loaders import expand_paths, load_file
from ingest.types import Article, LoadError
from tests.conftest import REUTERS, SAMPLES, need


def _load(path: Path, **kw):
    items = list(load_file(path, **kw))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, LoadError)]


def test_html_sample_uses_page_metadata_and_drops_chrome():
    arts, errs = _load(SAMPLES / "html" / "capital-wire-us-china-phase-one.html")
    assert not errs and len(arts) == 1
    a = arts[0]
    assert a.source == "Capital Trade Wire" and a.published == "2020-01-15" and a.byline == "Mei Chen"
    assert a.url.startswith("https://capitaltradewire.example/")
    assert a.text.startswith("WASHINGTON -- The United States and China signed")
    for junk in ("cookies", "Subscribe", "Related stories", "All rights reserved", "Sign in", "Markets rally"):
        assert junk not in a.text


def test_markdown_front_matter():
    (a,), errs = _load(SAMPLES / "feeds" / "northgate-usmca-amended.md")
    assert not errs
    assert (a.title, a.source, a.published, a.byline) == (
        "USMCA partners agree changes that win Democrats' support", "Northgate Business Review", "2019-12-10", "Emma Lind")
    assert not a.text.startswith("#") and "USMCA partners agree" not in a.text


def test_jsonl_feed_ids_and_fields():
    arts, errs = _load(SAMPLES / "feeds" / "trade-wire-feed.jsonl")
    assert not errs
    by_id = {a.doc_id: a for a in arts}
    assert set(by_id) == {"lakeside-us-china-phase-one", "prairie-phase-one-farm-purchases",
                          "pacific-ledger-us-japan-deal-signed", "harbor-cptpp-signed"}
    assert by_id["harbor-cptpp-signed"].published == "2018-03-08"
    assert by_id["lakeside-us-china-phase-one"].dateline == "WASHINGTON"


def test_jsonl_bad_lines_are_reported_and_good_ones_kept(tmp_path):
    f = tmp_path / "feed.jsonl"
    f.write_text("\n".join([
        json.dumps({"id": "ok-1", "title": "Fine", "text": "PARIS -- Ministers agreed on a quota for steel imports on Friday."}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "no-text", "title": "Missing body"}),
        json.dumps({"id": "bad-title", "title": {"x": 1}, "text": "Some text here for the record."}),
        json.dumps({"title": "No id", "html": "<html><body><article><p>BONN -- A long enough paragraph about tariffs on cars and the negotiations that continue between the two sides this week.</p></article></body></html>"}),
    ]), encoding="utf-8")
    arts, errs = _load(f)
    assert [a.doc_id for a in arts] == ["ok-1", "feed-6"]
    assert [e.path for e in errs] == [f"{f} line {n}" for n in (2, 3, 4, 5)]
    assert "invalid JSON" in errs[0].reason and "'text' or 'html'" in errs[2].reason and "'title'" in errs[3].reason


@pytest.mark.parametrize("content,reason", [
    (b"", "empty file"),
    (b"   \n\n  ", "empty file"),
    (b"PK\x03\x04\x00\x00binary", "binary file"),
    (b"Caf\xe9 talks in Paris ended on Friday with no agreement on farm tariffs.", "not valid UTF-8"),
])
def test_bad_text_files(tmp_path, content, reason):
    f = tmp_path / "page.txt"
    f.write_bytes(content)
    arts, errs = _load(f)
    assert not arts and len(errs) == 1 and errs[0].path == str(f) and reason in errs[0].reason


def test_size_limit_and_missing_and_unsupported(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("Tariffs rose again. " * 100)
    arts, errs = _load(big, max_file_bytes=500)
    assert not arts and "over the limit of 500" in errs[0].reason
    got = list(expand_paths([tmp_path / "missing.txt", tmp_path / "x.pdf"]))
    assert all(isinstance(g, LoadError) for g in got)
    (tmp_path / "y.pdf").write_bytes(b"%PDF")
    assert "unsupported file type" in next(iter(expand_paths([tmp_path / "y.pdf"]))).reason


def test_malformed_html_and_sgml(tmp_path):
    h = tmp_path / "broken.html"
    h.write_text("<html><head><script>var a = 1;</script></head><body><nav><a href='/'>Home</a></nav><div></div>")
    assert "no article text" in _load(h)[1][0].reason
    h.write_text("<html><body><div><p>GENEVA -- Unclosed tags do not stop the talks on farm subsidies and tariffs from being reported<ul><li>x</body>")
    (a,), errs = _load(h)
    assert not errs and a.text.startswith("GENEVA -- Unclosed tags")
    s = tmp_path / "broken.sgm"
    s.write_text('<REUTERS NEWID="7"><TEXT><TITLE>UNCLOSED</TITLE><BODY>text', encoding="latin-1")
    assert "no <REUTERS> elements" in _load(s)[1][0].reason
    s.write_text('<REUTERS NEWID="7"><DATE>1-MAR-1987 10:00:00.00</DATE><TEXT><TITLE>GOOD</TITLE><BODY>Fine story.\n Reuter\n</BODY></TEXT></REUTERS>\n'
                 '<REUTERS NEWID="8"><TEXT><TITLE>OPEN', encoding="latin-1")
    arts, errs = _load(s)
    assert [a.doc_id for a in arts] == ["reuters21578-7"] and arts[0].text == "Fine story."
    assert "not closed" in errs[0].reason


def test_reuters_sgml_real_file():
    arts, errs = _load(need(REUTERS) / "reut2-000.sgm")
    assert not errs and len(arts) == 1000
    first = arts[0]
    assert first.doc_id == "reuters21578-1" and first.source == "Reuters"
    assert first.published == "1987-02-26T15:01:01" and first.dateline == "SALVADOR"
    assert first.extra["topics"] == ["cocoa"] and "usa" in first.extra["places"]
    assert first.title == "Bahia Cocoa Review"
    assert first.text.startswith("Showers continued throughout the week in the Bahia cocoa zone")
    assert "Reuter" not in first.text[-10:] and "&#" not in first.text and "\n" not in first.text.split("\n\n")[0]
    assert len({a.doc_id for a in arts}) == 1000


class _Pages(http.server.BaseHTTPRequestHandler):
    PAGES = {
        "/story": "<html><head><title>Seoul talks</title><meta property='og:site_name' content='Han River Times'></head><body>"
                  "<nav>Home | World | Trade</nav><article><h1>Seoul talks</h1>"
                  + "".join(f"<p>SEOUL -- Paragraph {i} says that negotiators from Korea and the United States met to discuss steel quotas and car tariffs again this week.</p>" for i in range(5))
                  + "</article><footer>Subscribe now for unlimited access</footer></body></html>",
    }

    def do_GET(self):
        body = self.PAGES.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write((body or "not found").encode())

    def log_message(self, *a):
        pass


def test_urls_file_fetches_from_a_local_server(tmp_path):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{srv.server_address[1]}"
        f = tmp_path / "links.urls"
        f.write_text(f"# reading list\n{base}/story\n{base}/missing\nftp://nope\n")
        arts, errs = _load(f, url_timeout_s=5, allow_private_urls=True)
        blocked, why = _load(f, url_timeout_s=5)  # the default refuses loopback addresses
    finally:
        srv.shutdown()
    assert not blocked and len(why) == 3
    assert len(arts) == 1
    a = arts[0]
    assert a.url == f"{base}/story" and a.source == "Han River Times" and a.text.startswith("SEOUL -- Paragraph 0")
    assert "Subscribe" not in a.text and "Home | World" not in a.text
    assert len(errs) == 2 and "could not fetch" in errs[0].reason and "not an http" in errs[1].reason


def test_refused_addresses_are_never_contacted(tmp_path):
    """The SSRF guard decides before connecting: a loopback server sees no connection at all; HTTP:// in capitals is a URL."""
    from tests.conftest import recording_server

    with recording_server() as (port, hits):
        f = tmp_path / "probe.urls"
        f.write_text(f"http://127.0.0.1:{port}/a\nHTTP://localhost:{port}/b\nhttp://[::ffff:127.0.0.1]:{port}/c\n"
                     f"http://0.0.0.0:{port}/d\nhttp://10.1.2.3/e\n")
        arts, errs = _load(f, url_timeout_s=2)
        time.sleep(0.3)
    assert not arts and len(errs) == 5
    assert all("refused" in e.reason and "allow_private_urls" in e.reason for e in errs), [e.reason for e in errs]
    assert hits == []


def test_folder_expansion_skips_readmes_and_hidden(tmp_path):
    (tmp_path / "README.md").write_text("# about")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "a.txt").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "a.txt.meta.json").write_text("{}")
    assert list(expand_paths([tmp_path])) == [tmp_path / "a.txt"]


def test_folder_expansion_does_not_follow_links_out_of_the_folder(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("private notes")
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.txt").write_text("x")
    (corpus / "pw.txt").symlink_to(outside / "secret.txt")
    (corpus / "linked").symlink_to(outside, target_is_directory=True)
    (corpus / "sub" / "inside.txt").symlink_to(corpus / "a.txt")  # a link that stays inside is fine
    got = list(expand_paths([corpus]))
    files = [g for g in got if isinstance(g, Path)]
    refused = [g for g in got if not isinstance(g, Path)]
    assert files == [corpus / "a.txt", corpus / "sub" / "inside.txt"]
    assert [Path(e.path).name for e in refused] == ["pw.txt"]  # (a linked folder is not walked at all)
    assert "outside the folder" in refused[0].reason and "not followed" in refused[0].reason
