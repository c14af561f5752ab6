"""Fetching URLs from a local site on 127.0.0.1, good pages and hostile ones, and reading them as documents."""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest
from http_site import PLAIN, Site, serve
from typer.testing import CliRunner

from summarize import __version__, cli
from summarize.fetch import FetchError, FetchLimits, fetch
from summarize.io import Problem, read_sources, read_url
from summarize.schema import Document

FAST = FetchLimits(connect_timeout=2, read_timeout=0.5, deadline=3)
BOILERPLATE = json.loads((Path(__file__).parent / "fixtures" / "web" / "expected.json").read_text())


def _fails(url: str, limits: FetchLimits = FAST) -> tuple[str, float]:
    start = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch(url, limits)
    return str(caught.value), time.monotonic() - start


def test_fetches_a_page_naming_the_tool(site: Site) -> None:
    page = fetch(site.url("/harbour_bridge.html"))
    assert b"Porthaven" in page.data and page.charset == "utf-8"
    assert page.url == site.url("/harbour_bridge.html")
    assert site.agents[-1].startswith(f"summarize/{__version__} ")


def test_a_server_that_never_answers_times_out(site: Site) -> None:
    message, elapsed = _fails(site.url("/hang"))
    assert message == "the server sent nothing for 0.5 s"
    assert elapsed < 2.5


def test_a_trickling_server_meets_the_overall_deadline(site: Site) -> None:
    # Each byte comes well within the read timeout; only the deadline stops it.
    message, elapsed = _fails(site.url("/trickle"), FetchLimits(read_timeout=5, deadline=1))
    assert message == "no complete answer within 1 s"
    assert elapsed < 2.5


def test_redirects_are_limited(site: Site) -> None:
    before = len(site.paths)
    message, _ = _fails(site.url("/loop"))
    assert message == "more than 5 redirects"
    assert len(site.paths) - before == 6  # the request and five redirects, then it stops
    assert b"Porthaven" in fetch(site.url("/hop/5")).data
    assert fetch(site.url("/hop/2")).url == site.url("/harbour_bridge.html")


@pytest.mark.parametrize("path", ["/big", "/big-stream", "/bomb"])
def test_fifty_megabytes_are_cut_at_the_cap(site: Site, path: str) -> None:
    # Declared (Content-Length), undeclared (read until the cap) and a gzip bomb.
    message, elapsed = _fails(site.url(path), FetchLimits(max_bytes=2**20))
    assert message == "page is over the 1 MB limit"
    assert elapsed < 5


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/doc.pdf", "is a PDF, not a web page"),
        ("/untyped-pdf", "is a PDF, not a web page"),
        ("/image.png", "content type image/png is not HTML or text"),
        ("/missing", "HTTP 404 Not Found"),
    ],
)
def test_what_is_not_a_page_gets_one_line(site: Site, path: str, expected: str) -> None:
    message, _ = _fails(site.url(path))
    assert message.startswith(expected) and "\n" not in message


def test_a_closed_port_and_a_bad_url() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert _fails(f"http://127.0.0.1:{port}/")[0] == "cannot connect: Connection refused"
    assert _fails("http://127.0.0.1:99999/")[0] == "not a URL that can be fetched: port 99999 is out of range"
    assert _fails("http:///path")[0] == "not a URL that can be fetched: no host"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a certificate")
def test_an_untrusted_certificate_is_one_line(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with serve(tls=context) as tls_site:
        message, _ = _fails(tls_site.url("/harbour_bridge.html"))
    assert message == "cannot connect: TLS certificate not trusted: self-signed certificate"


def test_read_url_decodes_by_the_declared_charset(site: Site) -> None:
    latin = read_url(site.url("/latin1.html"))
    assert isinstance(latin, Document) and "Le pr\u00e9sident a parl\u00e9 au caf\u00e9." in latin.text
    cp1252 = read_url(site.url("/meta-cp1252.html"))
    assert isinstance(cp1252, Document) and "\u201cIt\u2019s done,\u201d she said \u2013 at last." in cp1252.text
    plain = read_url(site.url("/plain.txt"))
    assert isinstance(plain, Document) and plain.text == PLAIN and plain.notes == ()


def test_failed_urls_are_problems_and_the_others_go_on(site: Site) -> None:
    urls = [site.url("/harbour_bridge.html"), site.url("/doc.pdf"), site.url("/missing"), site.url("/plain.txt")]
    items = list(read_sources(urls, fetch_limits=FAST))
    assert [type(item) for item in items] == [Document, Problem, Problem, Document]
    assert [item.id for item in items] == urls
    assert items[0].url == urls[0]  # type: ignore[union-attr]


def test_url_lists_and_jsonl_url_fields(site: Site, tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# today's pages\n{site.url('/library_hours.html')}\n\nnot a url\n{site.url('/hop/1')}\n")
    items = list(read_sources([str(listing)], "urls", fetch_limits=FAST))
    assert [type(item) for item in items] == [Document, Problem, Document]
    assert items[1].id == f"{listing}:4" and items[1].message == "not an http(s) URL"  # type: ignore[union-attr]
    assert items[2].url == site.url("/harbour_bridge.html")  # type: ignore[union-attr]

    records = tmp_path / "in.jsonl"
    rows = [
        {"id": "a", "url": site.url("/ferry_strike.html")},
        {"id": "b", "url": site.url("/hang")},
        {"id": "c", "text": "Given text wins.", "url": site.url("/hang")},
        {"id": "d", "url": "ftp://example.invalid/x"},
    ]
    records.write_text("".join(json.dumps(row) + "\n" for row in rows))
    items = list(read_sources([str(records)], "jsonl", fetch_limits=FAST))
    assert [(type(item), item.id) for item in items] == [
        (Document, "a"),
        (Problem, "b"),
        (Document, "c"),
        (Problem, "d"),
    ]
    assert "Easter" in items[0].text  # type: ignore[union-attr]
    assert items[2].text == "Given text wins." and items[2].url == site.url("/hang")  # type: ignore[union-attr]


runner = CliRunner()


def test_cli_summarises_a_url_end_to_end(site: Site) -> None:
    url = site.url("/harbour_bridge.html")
    result = runner.invoke(cli.app, [url, "--method", "textrank", "--format", "jsonl"])
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["id"] == url
    output = record["headline"] + " " + record["paragraph"]
    assert "Harbour Bridge" in record["headline"] and "Porthaven" in record["paragraph"]
    assert not [line for line in BOILERPLATE["harbour_bridge.html"]["boilerplate"] if line in output]


def test_cli_reports_each_failed_url_on_one_line(site: Site) -> None:
    good, pdf = site.url("/library_hours.html"), site.url("/doc.pdf")
    result = runner.invoke(cli.app, [pdf, good, site.url("/loop"), "--method", "textrank", "-f", "jsonl"])
    assert result.exit_code == 1
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [good]
    errors = result.stderr.splitlines()
    assert errors == [
        f"summarize: {pdf}: is a PDF, not a web page: convert it to text first (for example with pdftotext) "
        "and summarise that",
        f"summarize: {site.url('/loop')}: more than 5 redirects",
    ]
