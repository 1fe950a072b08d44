"""ensure_moto (scripts/lib/moto.sh) uses the pinned moto where it already is and otherwise installs it into a
private virtual environment: a moto of another version that the user has is never replaced or upgraded. Checked
with a stand-in python3 that records every call."""

import os
import pathlib
import subprocess
import tempfile
import unittest

MOTO_SH = pathlib.Path(__file__).resolve().parents[1] / "lib" / "moto.sh"

# A stand-in interpreter: `-c CHECK` succeeds when this interpreter's marker says it has moto 5.2.1; `-m venv DIR`
# makes DIR/bin/python a copy of itself; `-m pip install` records the call and, unless PIP_FAILS, marks it.
FAKE_PYTHON = r"""#!/bin/sh
self="$0"
echo "$self $*" >> "$CALLS"
case "$1" in
  -c) [ -f "$self.has-moto-5.2.1" ] ;;
  -m)
    case "$2" in
      venv) mkdir -p "$3/bin" && cp "$self" "$3/bin/python" ;;
      pip) [ -z "$PIP_FAILS" ] && touch "$self.has-moto-5.2.1" ;;
    esac ;;
esac
"""


class EnsureMotoTest(unittest.TestCase):

    def setUp(self):
        self.scratch = tempfile.TemporaryDirectory()
        self.home = pathlib.Path(self.scratch.name)
        self.bin = self.home / "bin"
        self.bin.mkdir()
        self.python3 = self.bin / "python3"
        self.python3.write_text(FAKE_PYTHON)
        self.python3.chmod(0o755)
        self.calls = self.home / "calls.log"
        self.cache = self.home / "cache"
        self.venv = self.cache / "stale-keys" / "moto-5.2.1"
        self.env = {k: v for k, v in os.environ.items() if k != "STALEKEYS_PYTHON"}
        self.env.update(PATH=f"{self.bin}:{os.environ['PATH']}", CALLS=str(self.calls),
                        XDG_CACHE_HOME=str(self.cache), HOME=str(self.home))

    def tearDown(self):
        self.scratch.cleanup()

    def ensure(self, **env):
        script = f"source '{MOTO_SH}'; ensure_moto; echo \"$STALEKEYS_PYTHON\""
        return subprocess.run(["bash", "-c", script], env=dict(self.env, **env), capture_output=True, text=True,
                              timeout=30)

    def calls_made(self):
        return self.calls.read_text().splitlines() if self.calls.exists() else []

    def test_the_pinned_version_already_installed_is_used_as_it_is(self):
        (self.bin / "python3.has-moto-5.2.1").touch()
        result = self.ensure()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "python3\n")
        self.assertEqual(result.stderr, "")
        self.assertFalse(any(" -m " in call for call in self.calls_made()), self.calls_made())

    def test_another_version_is_left_alone_and_the_pinned_one_goes_into_a_private_environment(self):
        result = self.ensure()
        self.assertEqual(result.returncode, 0, result.stderr)
        private = f"{self.venv}/bin/python"
        self.assertEqual(result.stdout, private + "\n")
        installs = [call for call in self.calls_made() if " -m pip" in call]
        self.assertEqual(installs, [f"{private} -m pip install --quiet --disable-pip-version-check moto[server]==5.2.1"])
        self.assertNotIn("--user", " ".join(self.calls_made()))
        self.assertFalse(any(call.startswith(f"{self.python3} -m pip") for call in self.calls_made()),
                         "the user's own python3 installs nothing")
        self.assertIn(f"{self.python3} -m venv {self.venv}", self.calls_made())
        self.assertIn("your own Python packages are left as they are", result.stderr)

        # The next run finds it there and installs nothing.
        self.calls.unlink()
        again = self.ensure()
        self.assertEqual(again.stdout, private + "\n")
        self.assertEqual(again.stderr, "")
        self.assertFalse(any(" -m " in call for call in self.calls_made()), self.calls_made())

    def test_an_install_that_fails_says_what_to_do_in_one_line_and_leaves_no_half_environment(self):
        result = self.ensure(PIP_FAILS="1")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr.splitlines()[-1],
                         f"Could not install moto 5.2.1 into {self.venv} (is PyPI reachable?): install "
                         "moto[server]==5.2.1 yourself and set STALEKEYS_PYTHON to that Python.")
        self.assertFalse(self.venv.exists())

    def test_a_stalekeys_python_without_the_pinned_moto_is_refused_not_changed(self):
        other = self.bin / "other-python"
        other.write_text(FAKE_PYTHON)
        other.chmod(0o755)
        result = self.ensure(STALEKEYS_PYTHON=str(other))
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr,
                         f"STALEKEYS_PYTHON={other} has no moto 5.2.1: install moto[server]==5.2.1 there, or unset "
                         "STALEKEYS_PYTHON.\n")
        self.assertFalse(any(" -m " in call for call in self.calls_made()))
        (self.bin / "other-python.has-moto-5.2.1").touch()
        self.assertEqual(self.ensure(STALEKEYS_PYTHON=str(other)).stdout, f"{other}\n")


if __name__ == "__main__":
    unittest.main()
