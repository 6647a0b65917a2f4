"""examples/verify_results_chain.py: an outsider checks downloaded results with the standard library only."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from awards.services.results import result_publish

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "verify_results_chain.py"


def check(*args):
    run = subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=60)
    return run.returncode, run.stdout, run.stderr


@pytest.fixture
def downloaded(client, award, chain, tmp_path):
    """An interim result, the final one and its published correction; the files as anyone can download them
    (the interim one from the committee's page, the published one from the public address)."""
    interim, final, correction = chain
    result_publish(snapshot=correction, acting_user=award.committee)
    files = {}
    public = client.get(reverse("public-result-content", args=[2025, correction.id])).content
    files["correction"] = tmp_path / "correction.json"
    files["correction"].write_bytes(public)
    client.force_login(award.observer)
    for name, snapshot in (("interim", interim), ("final", final)):
        files[name] = tmp_path / f"{name}.json"
        files[name].write_bytes(client.get(reverse("committee-snapshot-content", args=[snapshot.id])).content)
    return {"interim": interim, "final": final, "correction": correction}, files


def test_the_script_recomputes_each_digest_and_follows_the_chain(downloaded):
    snapshots, files = downloaded
    code, out, err = check(files["interim"], files["final"], files["correction"],
                           "--head", snapshots["correction"].digest, "--complete")
    assert (code, err) == (0, "")
    assert f"{files['final']}: sha256 {snapshots['final'].digest} (2025 · pemkab · 18 · interview · final)" in out
    assert f"{files['interim']}: sha256 {snapshots['interim'].digest} (2025 · pemkab · 18 · assessment · interim)" in out
    assert f"  {files['correction']}: follows {files['final']}" in out
    assert f"from the head back: {files['correction']} <- {files['final']} <- {files['interim']}" in out
    assert out.endswith("OK: 3 results, every digest recomputed and every link between them checked\n")


def test_the_published_result_alone_names_the_result_it_follows(downloaded):
    snapshots, files = downloaded
    code, out, _err = check(files["correction"])
    assert code == 0
    assert f"follows {snapshots['final'].digest}, which none of the files has" in out


def test_the_script_fails_on_an_edited_or_resaved_result(downloaded, tmp_path):
    snapshots, files = downloaded
    content = files["final"].read_text(encoding="utf-8")
    files["final"].write_text(content.replace('"rank":1,', '"rank":2,', 1), encoding="utf-8")
    code, _out, err = check(files["interim"], files["final"], files["correction"],
                            "--head", snapshots["correction"].digest, "--complete")
    assert code == 1
    assert f"FAIL {files['correction']}: follows {snapshots['final'].digest}, which none of the files has" in err
    resaved = tmp_path / "resaved.json"
    resaved.write_text(json.dumps(json.loads(content), indent=2), encoding="utf-8")
    code, _out, err = check(resaved)
    assert (code, err) == (1, f"FAIL {resaved}: not the exact bytes that were hashed (was the file re-saved or "
                              "edited?)\n")


def test_the_script_fails_when_no_file_has_the_head(downloaded):
    _snapshots, files = downloaded
    code, _out, err = check(files["correction"], "--head", "0" * 64)
    assert (code, err) == (1, f"FAIL no file has the head digest {'0' * 64}\n")
