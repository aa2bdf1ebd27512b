"""The paceqi command: exit codes, no tracebacks, a fast start."""

import subprocess
import sys

from paceqi.cli import main


def test_no_command_is_usage_error(capsys):
    assert main([]) == 2
    assert "usage: paceqi" in capsys.readouterr().err


def test_unknown_command_is_usage_error(capsys):
    try:
        main(["frobnicate"])
    except SystemExit as exc:
        assert exc.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_help_does_not_import_jupyter_or_heavy_libraries():
    code = (
        "import sys\n"
        "from paceqi.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('papermill', 'nbconvert', 'nbclient', 'jupyter_client', 'pandas',"
        " 'matplotlib', 'sqlalchemy') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout


def test_version():
    out = subprocess.run(
        [sys.executable, "-m", "paceqi", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("paceqi ")


def test_a_handler_that_returns_no_exit_code_is_an_internal_error(monkeypatch, capsys):
    import paceqi.data.synth_commands as synth_commands

    monkeypatch.setattr(synth_commands, "run", lambda args: None)
    assert main(["synth", "--out", "unused"]) == 1
    err = capsys.readouterr().err
    assert "internal error (TypeError)" in err and "'synth'" in err
