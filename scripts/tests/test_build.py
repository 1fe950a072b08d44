"""scripts/run and scripts/benchmark build only when needed and keep Maven's output off the user's terminal
unless the build fails (scripts/lib/build.sh), checked with a stand-in `mvn` in a scratch project."""

import os
import pathlib
import subprocess
import tempfile
import time
import unittest

BUILD_SH = pathlib.Path(__file__).resolve().parents[1] / "lib" / "build.sh"

FAKE_MVN = """#!/bin/sh
echo "mvn $*" >> "$MVN_CALLS"
printf '\033[0m\033[0m'
echo "[INFO] Scanning for projects... WARNING: a JDK warning"
if [ -n "$MVN_FAILS" ]; then
  echo "[ERROR] COMPILATION ERROR: Foo.java:[3,1] class, interface, enum, or record expected"
  exit 1
fi
if [ -z "$MVN_LEAVES_ARTIFACTS" ]; then
  mkdir -p app/target && echo built > app/target/app.jar && echo built > app/target/app-lambda.zip
fi
"""


class BuildIfNeededTest(unittest.TestCase):

    def setUp(self):
        self.scratch = tempfile.TemporaryDirectory()
        self.root = pathlib.Path(self.scratch.name)
        (self.root / "pom.xml").write_text("<project/>")
        source = self.root / "app" / "src" / "main" / "java" / "App.java"
        source.parent.mkdir(parents=True)
        source.write_text("class App {}")
        (self.root / "app" / "pom.xml").write_text("<project/>")
        bin_dir = self.root / "bin"
        bin_dir.mkdir()
        (bin_dir / "mvn").write_text(FAKE_MVN)
        (bin_dir / "mvn").chmod(0o755)
        self.calls = self.root / "mvn-calls.log"
        self.env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", MVN_CALLS=str(self.calls))

    def tearDown(self):
        self.scratch.cleanup()

    def run_script(self, **env):
        script = (f"source '{BUILD_SH}'; build_if_needed package -DskipTests -- "
                  "app/target/app.jar app/target/app-lambda.zip; echo 'user,key,verdict'")
        return subprocess.run(["bash", "-c", script], cwd=self.root, env=dict(self.env, **env),
                              capture_output=True, text=True, timeout=30)

    def maven_calls(self):
        return self.calls.read_text().splitlines() if self.calls.exists() else []

    def make_newer(self, relative):
        """Edits a file after the last build: the artifacts age a minute, the file is stamped now."""
        earlier = time.time() - 60
        for artifact in ("app/target/app.jar", "app/target/app-lambda.zip"):
            os.utime(self.root / artifact, (earlier, earlier))
        os.utime(self.root / relative)

    def test_a_missing_artifact_is_built_and_only_the_products_output_reaches_stdout(self):
        result = self.run_script()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.maven_calls(), ["mvn -B -ntp -Dstyle.color=never package -DskipTests"])
        self.assertEqual(result.stdout, "user,key,verdict\n")
        self.assertNotIn("[INFO]", result.stderr)
        self.assertNotIn("WARNING", result.stderr)

    def test_up_to_date_artifacts_are_not_rebuilt_and_nothing_else_is_printed(self):
        self.run_script()
        result = self.run_script()
        self.assertEqual(len(self.maven_calls()), 1)
        self.assertEqual(result.stdout, "user,key,verdict\n")
        self.assertEqual(result.stderr, "")

    def test_a_changed_main_source_or_pom_rebuilds(self):
        self.run_script()
        self.make_newer("app/src/main/java/App.java")
        self.run_script()
        self.assertEqual(len(self.maven_calls()), 2)
        self.make_newer("app/pom.xml")
        self.run_script()
        self.assertEqual(len(self.maven_calls()), 3)

    def test_an_artifact_maven_left_unchanged_still_counts_as_current(self):
        self.run_script()
        self.make_newer("pom.xml")
        self.run_script(MVN_LEAVES_ARTIFACTS="1")
        self.run_script()
        self.assertEqual(len(self.maven_calls()), 2)

    def test_a_failed_build_shows_mavens_output_in_full_and_stops(self):
        result = self.run_script(MVN_FAILS="1")
        self.assertEqual(result.returncode, 1)
        self.assertIn("[ERROR] COMPILATION ERROR: Foo.java:[3,1]", result.stderr)
        self.assertIn("[INFO] Scanning for projects", result.stderr)
        self.assertNotIn("\x1b", result.stderr, "no colour codes when not on a terminal")
        self.assertEqual(result.stdout, "")


if __name__ == "__main__":
    unittest.main()
