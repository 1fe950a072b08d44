"""scripts/run as a user meets it: the preview's errors before any AWS call are one line naming the fix, a
relative --output is the caller's directory's (never the repository root by accident), and a Ctrl-C in the demo
is one line and exit status 130. These run the jars the build has made (scripts/test runs them after Maven;
scripts/run builds first when they are missing or stale)."""

import os
import pathlib
import signal
import subprocess
import tempfile
import time
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
RUN = str(ROOT / "scripts" / "run")
# Nothing may reach AWS: no credentials in the environment, none in files, no instance role, and every call
# sent to a closed loopback port.
NO_AWS = "http://127.0.0.1:9"


def without_aws(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(HOME=str(home), AWS_CONFIG_FILE=str(home / "no-config"),
               AWS_SHARED_CREDENTIALS_FILE=str(home / "no-credentials"), AWS_EC2_METADATA_DISABLED="true")
    return env


class PreviewErrorsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        # Builds once, when the jars are missing or stale, so that each test below times only the preview.
        subprocess.run([RUN, "preview", "--format", "xml"], capture_output=True, text=True, timeout=900)

    def setUp(self):
        self.scratch = tempfile.TemporaryDirectory()
        self.home = pathlib.Path(self.scratch.name)
        self.env = without_aws(self.home)

    def tearDown(self):
        self.scratch.cleanup()

    def preview(self, *options, cwd=None, **env):
        return subprocess.run([RUN, "preview", *options], cwd=cwd or self.home, env=dict(self.env, **env),
                              capture_output=True, text=True, timeout=120)

    def assert_one_line(self, result, status, *fragments):
        self.assertEqual(result.returncode, status, result.stderr)
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertTrue(lines[0].startswith("scripts/run: "), lines[0])
        for fragment in fragments:
            self.assertIn(fragment, lines[0])
        self.assertNotIn("Exception", result.stderr)
        self.assertEqual(result.stdout, "")

    def test_no_credentials_is_one_line_naming_how_to_get_them(self):
        self.assert_one_line(self.preview("--endpoint-url", NO_AWS), 1,
                             "no AWS credentials found", "run aws configure or aws sso login, or pass --profile")

    def test_a_profile_that_does_not_exist_is_one_line(self):
        self.assert_one_line(self.preview("--profile", "nope", "--endpoint-url", NO_AWS), 1,
                             "--profile nope: there is no such profile", "aws configure --profile nope")
        self.assert_one_line(self.preview("--endpoint-url", NO_AWS, AWS_PROFILE="gone"), 1,
                             "AWS_PROFILE=gone: there is no such profile")

    def test_a_region_that_does_not_exist_is_refused(self):
        self.assert_one_line(self.preview("--region", "nowhere-1", "--endpoint-url", NO_AWS), 2,
                             "--region 'nowhere-1' is not an AWS region this build knows")

    def test_a_relative_output_is_the_callers_and_is_refused_inside_the_repository(self):
        inside = ROOT / "scripts"
        result = self.preview("--format", "csv", "--output", "preview.csv", "--endpoint-url", NO_AWS, cwd=inside)
        self.assert_one_line(result, 2, f"--output {inside / 'preview.csv'} is inside the git work tree {ROOT}",
                             "write it outside the work tree")
        self.assertFalse((inside / "preview.csv").exists())
        self.assertFalse((ROOT / "preview.csv").exists())

        # Outside the repository the output is accepted (the run then stops at the missing credentials).
        outside = self.preview("--format", "csv", "--output", "preview.csv", "--endpoint-url", NO_AWS)
        self.assert_one_line(outside, 1, "no AWS credentials found")
        self.assertFalse((ROOT / "preview.csv").exists(), "never the repository root")


class InterruptTest(unittest.TestCase):
    """Ctrl-C sends SIGINT to the terminal's foreground process group: here, a session of its own."""

    def interrupt_after(self, marker):
        process = subprocess.Popen([RUN], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   start_new_session=True)
        seen = []
        deadline = time.monotonic() + 300
        for line in process.stdout:
            seen.append(line)
            if marker in line or time.monotonic() > deadline:
                break
        time.sleep(0.5)  # in the middle of the step
        os.killpg(process.pid, signal.SIGINT)
        rest, errors = process.communicate(timeout=120)
        return process.returncode, "".join(seen) + rest, errors

    def test_a_ctrl_c_in_the_demo_is_one_line_and_status_130_at_every_step(self):
        for marker in ("listening on", "==> 2/5", "==> 4/5"):
            with self.subTest(interrupted_after=marker):
                status, output, errors = self.interrupt_after(marker)
                self.assertIn(marker, output)
                self.assertEqual(status, 130, errors)
                lines = [line for line in errors.splitlines() if line.strip()]
                self.assertEqual(lines, ["scripts/run: interrupted; the emulator is stopped, nothing outside this "
                                         "machine was touched."], errors)


if __name__ == "__main__":
    unittest.main()
