"""Every script answers --help without a build (and without Maven, Java or Python packages being asked for), and
scripts/package builds the two Lambda zips with a JDK 21+ found as the deploy docs say."""

import os
import pathlib
import shutil
import subprocess
import tempfile
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
USAGE = ROOT / "tools/local-run/src/main/resources/io/github/stalekeys/localrun/usage.txt"

REFUSING_TOOL = """#!/bin/sh
echo "$(basename "$0") $*" >> "$CALLS"
exit 97
"""

FAKE_JDK_JAVA = """#!/bin/sh
echo "    java.specification.version = %s" >&2
"""

FAKE_MVN = """#!/bin/sh
echo "mvn $* JAVA_HOME=$JAVA_HOME" >> "$CALLS"
[ -n "$MVN_FAILS" ] && { echo "[ERROR] BUILD FAILURE: cannot compile"; exit 1; }
mkdir -p rule-evaluator/target remediation/target
printf 'zip1' > rule-evaluator/target/rule-evaluator-lambda.zip
printf 'zip22' > remediation/target/remediation-lambda.zip
"""


def write_tool(directory, name, text):
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


class HelpTest(unittest.TestCase):

    def setUp(self):
        self.scratch = tempfile.TemporaryDirectory()
        self.bin = pathlib.Path(self.scratch.name) / "bin"
        self.calls = pathlib.Path(self.scratch.name) / "calls.log"
        for tool in ("mvn", "java", "npm", "pip"):
            write_tool(self.bin, tool, REFUSING_TOOL)
        self.env = dict(os.environ, PATH=f"{self.bin}:{os.environ['PATH']}", CALLS=str(self.calls))

    def tearDown(self):
        self.scratch.cleanup()

    def help_of(self, *command):
        result = subprocess.run([str(ROOT / command[0]), *command[1:]], cwd=self.scratch.name, env=self.env,
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        self.assertFalse(self.calls.exists(), "nothing built or run: " +
                         (self.calls.read_text() if self.calls.exists() else ""))
        return result.stdout

    def test_scripts_run_help_is_the_previews_usage_for_every_form(self):
        for form in (["--help"], ["-h"], ["help"], ["preview", "--help"], ["preview", "--region", "x", "-h"]):
            with self.subTest(form=form):
                self.assertEqual(self.help_of("scripts/run", *form), USAGE.read_text())
        self.assertIn("--max-never-used-key-age-days", USAGE.read_text())

    def test_the_other_scripts_print_their_usage(self):
        expected = {
            "scripts/benchmark": "Usage: scripts/benchmark [--sizes 100,1000,5000]",
            "scripts/test": "Usage: scripts/test",
            "scripts/package": "Usage: scripts/package",
            "deploy/write-conformance-pack": "usage: write-conformance-pack",
        }
        for script, usage in expected.items():
            with self.subTest(script=script):
                text = self.help_of(script, "--help")
                self.assertIn(usage, text)
                self.assertNotIn("#", text.splitlines()[0], "the header comment, without its # marks")

    def test_a_script_given_an_argument_it_does_not_take_says_so_in_one_line(self):
        for script in ("scripts/test", "scripts/package"):
            with self.subTest(script=script):
                result = subprocess.run([str(ROOT / script), "--fast"], cwd=self.scratch.name, env=self.env,
                                        capture_output=True, text=True, timeout=60)
                self.assertEqual(result.returncode, 2)
                self.assertEqual(result.stderr,
                                 f"{script} takes no arguments, got --fast ({script} --help)\n")


class PackageTest(unittest.TestCase):
    """scripts/package in a scratch copy of the scripts, with a stand-in Maven that writes the two zips."""

    def setUp(self):
        self.scratch = tempfile.TemporaryDirectory()
        self.root = pathlib.Path(self.scratch.name) / "clone"
        shutil.copytree(ROOT / "scripts", self.root / "scripts", ignore=shutil.ignore_patterns("tests"))
        self.calls = pathlib.Path(self.scratch.name) / "calls.log"
        bin_dir = pathlib.Path(self.scratch.name) / "bin"
        write_tool(bin_dir, "mvn", FAKE_MVN)
        self.env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", CALLS=str(self.calls))
        self.env.pop("MVN_FAILS", None)

    def tearDown(self):
        self.scratch.cleanup()

    def fake_jdk(self, name, version):
        home = pathlib.Path(self.scratch.name) / name
        write_tool(home, "bin/java", FAKE_JDK_JAVA % version)
        write_tool(home, "bin/javac", "#!/bin/sh\n")
        return home

    def package(self, **env):
        return subprocess.run([str(self.root / "scripts/package")], cwd=self.scratch.name,
                              env=dict(self.env, **env), capture_output=True, text=True, timeout=120)

    def test_builds_the_two_zips_with_the_java_home_given_when_it_is_21_or_newer(self):
        jdk = self.fake_jdk("jdk-22", "22")
        result = self.package(JAVA_HOME=str(jdk))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.calls.read_text().splitlines(), [
            f"mvn -B -ntp -Dstyle.color=never package -DskipTests -pl rule-evaluator,remediation -am JAVA_HOME={jdk}"])
        self.assertEqual(result.stdout.splitlines()[:2], [
            "rule-evaluator/target/rule-evaluator-lambda.zip  (4 bytes)",
            "remediation/target/remediation-lambda.zip  (5 bytes)"])

    def test_a_java_home_older_than_21_is_passed_over_for_a_jdk_21_found_on_the_machine(self):
        installed = [p for p in pathlib.Path("/usr/lib/jvm").glob("*") if (p / "bin/javac").exists()]
        old = self.fake_jdk("jdk-17", "17")
        result = self.package(JAVA_HOME=str(old))
        if not installed:
            self.assertEqual(result.returncode, 1)
            self.assertEqual(result.stderr.strip(), "A JDK 21 or newer is needed: set JAVA_HOME to one.")
            return
        self.assertEqual(result.returncode, 0, result.stderr)
        used = self.calls.read_text().split("JAVA_HOME=")[1].strip()
        self.assertTrue(used.startswith("/usr/lib/jvm/"), used)

    def test_a_failed_build_shows_mavens_output_and_writes_no_listing(self):
        result = self.package(JAVA_HOME=str(self.fake_jdk("jdk-21", "21")), MVN_FAILS="1")
        self.assertEqual(result.returncode, 1)
        self.assertIn("[ERROR] BUILD FAILURE: cannot compile", result.stderr)
        self.assertEqual(result.stdout, "")


class DeployDocsTest(unittest.TestCase):
    """The deploy instructions build with scripts/package, which finds the JDK as they say."""

    def test_every_deploy_code_block_builds_with_scripts_package(self):
        for doc in ("README.md", "deploy/README.md"):
            text = (ROOT / doc).read_text()
            blocks = text.split("```sh\n")[1:]
            deploying = [b.split("```")[0] for b in blocks
                         if "sam deploy" in b.split("```")[0] or "rollout --targets" in b.split("```")[0]
                         or "cloudformation package" in b.split("```")[0]]
            with self.subTest(doc=doc):
                self.assertTrue(deploying, "the deploy instructions")
                for block in deploying:
                    self.assertTrue(block.startswith("scripts/package\n"), block)
                    self.assertNotIn("mvn ", block)
                self.assertIn("set `JAVA_HOME` to", " ".join(text.split()))



class PreviewDocsTest(unittest.TestCase):
    """The README's preview commands use only options the preview has."""

    def test_every_option_of_the_readmes_preview_examples_is_in_the_usage(self):
        import re
        text = (ROOT / "README.md").read_text().replace("\\\n", " ")
        commands = [line for line in text.splitlines() if line.startswith("scripts/run preview")]
        self.assertTrue(commands)
        usage = USAGE.read_text()
        for command in commands:
            for option in re.findall(r"(--[a-z-]+)", command.split("#")[0]):
                self.assertIn(option, usage, command)


if __name__ == "__main__":
    unittest.main()
