#!/usr/bin/env python3
"""Writes the organization member template: template.yaml as plain CloudFormation, for a StackSet.

    python3 deploy/organization/member_template.py --bucket BUCKET --output build/member.json \
        [--resource-prefix StaleKeys] [--parameter Name=Value ...]

A StackSet with service-managed permissions runs no transform: not AWS::Serverless, not AWS::Include
(CreateStackSet API reference, Capabilities: "StackSets with service-managed permissions don't currently
support the use of macros in templates"). So this command does offline what CloudFormation would do at
deploy time: it inlines each `Fn::Transform: AWS::Include` file (the runbooks of ssm-documents/), points
each function's CodeUri at its .zip in the artifact bucket under a key named by the zip's SHA-256, and
runs the SAM translator. The result has no transform left.

The S3 keys are literals that change with the code, so SAM publishes a new function version (and moves
the `live` alias) whenever the code changes. The template's parameter values are chosen here (--parameter)
and written as the parameters' defaults: the SAM translator sees the same values CloudFormation would pass
it, and the rollout creates the StackSet without parameter overrides.

Prints one line per artifact to upload, `<zip path> <s3 key>`, on standard output.

    python3 deploy/organization/member_template.py --check [--output FILE] [--parameter Name=Value ...]

checks every input and runs the whole generation with a placeholder bucket name, writes nothing (unless
--output is given) and prints what every account would get: the parameter values, the resources and the
packages. The rollout runs it before any AWS call. Every refusal is one line naming the input; all of them
are printed at once.
"""

import argparse
import contextlib
import copy
import hashlib
import json
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_TEMPLATE = os.path.join(ROOT, "template.yaml")
KEY_PREFIX = "stale-keys"
DEFAULT_RESOURCE_PREFIX = "StaleKeys"
# CreateStackSet TemplateURL: "maximum size: 1 MB"; CreateStack from S3 (the management account's own
# stack): 460,800 bytes (CloudFormation quotas). The smaller one bounds the template.
MAX_TEMPLATE_BYTES = 460800
# In an organization each account runs everything in its own account: no role is assumed across accounts,
# so the single-account template's cross-account mode is cut out of the member template.
CROSS_ACCOUNT_PARAMETERS = ("ExecutionRoleName", "OrganizationId")
CONDITION_FUNCTIONS = ("Fn::Not", "Fn::Equals", "Fn::And", "Fn::Or", "Condition", "Ref")
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
# --check generates with this name in place of the artifact bucket's, as long as a bucket name can be, so
# that the size check is not passed by a template the real (shorter) name would make larger.
PLACEHOLDER_BUCKET = "artifact-bucket-of-the-rollout-placeholder-" + "x" * 20
BUILD_COMMAND = "scripts/package"
# Every Number parameter of template.yaml counts something (days, attempts, seconds, percent, MB): the
# services that read them take whole numbers, so a fraction CloudFormation would pass is refused too.
WHOLE_NUMBER = re.compile(r"^(0|[1-9][0-9]{0,9})$")


class GenerationError(Exception):
    """Bad inputs, each named in one line of the message."""

    def __init__(self, problems):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


def shown(value, limit=60):
    """A value as an error message may quote it: printable, and cut when long."""
    text = value.encode("unicode_escape").decode("ascii")
    return text if len(text) <= limit else text[:limit] + "... (%d characters)" % len(value)


def parse_template(path):
    from samtranslator.yaml_helper import yaml_parse

    try:
        with open(path, encoding="utf-8") as handle:
            return yaml_parse(handle.read())
    except OSError as error:
        raise GenerationError("cannot read the template %s: %s" % (path, error.strerror))


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def inline_includes(node, base_dir):
    """Replaces every Fn::Transform AWS::Include with the parsed content of its local file."""
    import yaml

    if isinstance(node, dict):
        if set(node) == {"Fn::Transform"}:
            transform = node["Fn::Transform"]
            if transform.get("Name") != "AWS::Include":
                raise GenerationError("transform %s cannot be expanded offline" % transform.get("Name"))
            location = transform.get("Parameters", {}).get("Location")
            if not isinstance(location, str) or "://" in location:
                raise GenerationError("AWS::Include Location must be a file of the repository, got %r" % location)
            path = os.path.normpath(os.path.join(base_dir, location))
            if not path.startswith(base_dir + os.sep):
                raise GenerationError("AWS::Include Location %s is outside the repository" % location)
            try:
                with open(path, encoding="utf-8") as handle:
                    return yaml.safe_load(handle)
            except OSError as error:
                raise GenerationError("AWS::Include Location %s: %s" % (location, error.strerror))
        return {key: inline_includes(value, base_dir) for key, value in node.items()}
    if isinstance(node, list):
        return [inline_includes(item, base_dir) for item in node]
    return node


def point_code_at_bucket(template, bucket, base_dir):
    """Each function's local .zip CodeUri becomes s3://bucket/<prefix>/<name>-<sha256>.zip; returns the uploads."""
    uploads, problems = [], []
    for name, resource in template["Resources"].items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        code_uri = resource.get("Properties", {}).get("CodeUri")
        if not isinstance(code_uri, str) or not code_uri.endswith(".zip"):
            problems.append("%s: CodeUri must be a local .zip (%s builds it), got %r" % (name, BUILD_COMMAND, code_uri))
            continue
        path = os.path.normpath(os.path.join(base_dir, code_uri))
        if not os.path.isfile(path):
            problems.append("%s: %s is not built. Build it first, from the repository root: %s "
                            "(it finds a JDK 21 or newer)" % (name, code_uri, BUILD_COMMAND))
            continue
        stem = os.path.basename(code_uri)[: -len(".zip")]
        key = "%s/%s-%s.zip" % (KEY_PREFIX, stem, sha256_of(path))
        resource["Properties"]["CodeUri"] = "s3://%s/%s" % (bucket, key)
        uploads.append((path, key))
    if problems:
        raise GenerationError(problems)
    if not uploads:
        raise GenerationError("the template has no AWS::Serverless::Function")
    return uploads


def referenced_names(node):
    """Names used through Ref, Fn::Sub ${Name}, Fn::If and Condition."""
    names = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("Ref", "Condition") and isinstance(value, str):
                names.add(value)
            elif key == "Fn::Sub":
                text = value if isinstance(value, str) else value[0]
                names.update(m.split(".")[0] for m in re.findall(r"\$\{([^!}][^}]*)\}", text))
                if not isinstance(value, str):
                    names.update(referenced_names(value[1]))
            elif key == "Fn::If":
                names.add(value[0])
                names.update(referenced_names(value[1:]))
            else:
                names.update(referenced_names(value))
    elif isinstance(node, list):
        for item in node:
            names.update(referenced_names(item))
    return names


def evaluate_condition(node, conditions, values):
    """A condition made of Fn::Not/And/Or/Equals over parameter values and other conditions."""
    if isinstance(node, dict) and len(node) == 1:
        (function, argument), = node.items()
        if function == "Fn::Not":
            return not evaluate_condition(argument[0], conditions, values)
        if function == "Fn::And":
            return all(evaluate_condition(a, conditions, values) for a in argument)
        if function == "Fn::Or":
            return any(evaluate_condition(a, conditions, values) for a in argument)
        if function == "Fn::Equals":
            left, right = (evaluate_condition(a, conditions, values) for a in argument)
            return left == right
        if function == "Condition":
            return evaluate_condition(conditions[argument], conditions, values)
        if function == "Ref" and argument in values:
            return values[argument]
    if isinstance(node, str):
        return node
    raise GenerationError("cannot evaluate the condition %s offline" % json.dumps(node))


_DROPPED = object()


def resolve_if(node, pinned):
    """Resolves Fn::If on the pinned conditions; what resolves to AWS::NoValue is dropped."""
    if isinstance(node, dict):
        if set(node) == {"Fn::If"} and node["Fn::If"][0] in pinned:
            name, when_true, when_false = node["Fn::If"]
            chosen = when_true if pinned[name] else when_false
            return _DROPPED if chosen == {"Ref": "AWS::NoValue"} else resolve_if(chosen, pinned)
        out = {}
        for key, value in node.items():
            value = resolve_if(value, pinned)
            if value is not _DROPPED:
                out[key] = value
        return out
    if isinstance(node, list):
        return [item for item in (resolve_if(v, pinned) for v in node) if item is not _DROPPED]
    return node


def remove_cross_account_mode(template):
    """Cuts the cross-account parameters out: their conditions pinned as with empty values, their rules gone."""
    declared = template.get("Parameters", {})
    removed = [name for name in CROSS_ACCOUNT_PARAMETERS if name in declared]
    empty = {name: "" for name in removed}
    conditions = template.get("Conditions", {})
    pinned = {name: evaluate_condition(body, conditions, empty) for name, body in conditions.items()
              if referenced_names(body) and referenced_names(body) <= set(removed) | set(conditions)
              and not (referenced_names(body) & set(conditions))}
    template["Resources"] = {name: res for name, res in template["Resources"].items()
                             if pinned.get(res.get("Condition"), True)}
    for name in pinned:
        del conditions[name]
    for name, rule in list(template.get("Rules", {}).items()):
        if referenced_names(rule) & set(removed):
            del template["Rules"][name]
    if "Rules" in template and not template["Rules"]:
        del template["Rules"]
    for name in removed:
        del declared[name]
    for group in template.get("Metadata", {}).get("AWS::CloudFormation::Interface", {}).get("ParameterGroups", []):
        group["Parameters"] = [p for p in group.get("Parameters", []) if p not in removed]
    resolved = resolve_if({k: v for k, v in template.items() if k != "Parameters"}, pinned)
    template.update(resolved)
    left = referenced_names({k: template[k] for k in ("Resources", "Conditions", "Outputs", "Rules") if k in template})
    if left & set(removed) or left & set(pinned):
        raise GenerationError("template.yaml still uses %s outside the conditions this command removes"
                              % ", ".join(sorted((left & set(removed)) | (left & set(pinned)))))
    return template


def value_problem(name, spec, value):
    """CloudFormation's check of one parameter value (and whole numbers for Number): None, or why not."""
    import regex  # AllowedPattern is a Java regex; template.yaml's use \p{L}, which `re` does not know

    quoted = "--parameter %s=%s" % (name, shown(value))
    if spec.get("Type") == "Number":
        if not WHOLE_NUMBER.fullmatch(value):
            return "%s: a whole number is expected" % quoted
        number = int(value)
        if ("MinValue" in spec and number < spec["MinValue"]) or ("MaxValue" in spec and number > spec["MaxValue"]):
            return "%s: allowed range is %s to %s" % (quoted, spec.get("MinValue"), spec.get("MaxValue"))
    if "AllowedValues" in spec and value not in [str(v) for v in spec["AllowedValues"]]:
        return "%s: allowed values are %s" % (quoted, ", ".join(str(v) for v in spec["AllowedValues"]))
    if spec.get("Type") == "Number":
        return None
    if "MinLength" in spec and len(value) < spec["MinLength"]:
        return "%s: at least %d character%s" % (quoted, spec["MinLength"], "" if spec["MinLength"] == 1 else "s")
    if "MaxLength" in spec and len(value) > spec["MaxLength"]:
        return "%s: at most %d characters, got %d" % (quoted, spec["MaxLength"], len(value))
    if "AllowedPattern" in spec and regex.fullmatch(spec["AllowedPattern"], value) is None:
        # The constraint in words; the pattern itself (ResourcePrefix's is 400 characters) says little.
        return "%s: %s" % (quoted, " ".join(spec.get("ConstraintDescription", "does not match the parameter's "
                                                     "AllowedPattern in template.yaml").split()))
    return None


def apply_parameters(template, values, resource_prefix):
    declared = template.get("Parameters", {})
    chosen = dict(values)
    problems = []
    if "ResourcePrefix" in declared:
        if "ResourcePrefix" in chosen and resource_prefix != DEFAULT_RESOURCE_PREFIX:
            problems.append("--parameter ResourcePrefix: give the prefix once, as --resource-prefix")
        chosen.setdefault("ResourcePrefix", resource_prefix)
    elif resource_prefix != DEFAULT_RESOURCE_PREFIX:
        problems.append("--resource-prefix: this template.yaml has no ResourcePrefix parameter")
    for name, value in chosen.items():
        if name in CROSS_ACCOUNT_PARAMETERS:
            problems.append("--parameter %s: the organization deployment runs the rule in each account "
                            "with that account's own roles; no role is assumed across accounts" % name)
        elif name not in declared:
            problems.append("--parameter %s=%s: template.yaml has no parameter %s (it has: %s)"
                            % (shown(name), shown(value), shown(name), ", ".join(sorted(declared))))
        else:
            problem = value_problem(name, declared[name], value)
            if problem and name == "ResourcePrefix" and "ResourcePrefix" not in values:
                problem = problem.replace("--parameter ResourcePrefix=", "--resource-prefix ", 1)
            if problem:
                problems.append(problem)
    if problems:
        raise GenerationError(problems)
    for name, value in chosen.items():
        declared[name]["Default"] = value
    return {name: spec.get("Default") for name, spec in declared.items() if "Default" in spec}


class _NoManagedPolicies:
    """The SAM translator asks for AWS managed policy ARNs only for `Policies: [name]`; template.yaml uses none."""

    def load(self):
        return {}


def transforms_left(node, path="$"):
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("Transform", "Fn::Transform"):
                found.append("%s.%s" % (path, key))
            found += transforms_left(value, "%s.%s" % (path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += transforms_left(item, "%s[%d]" % (path, index))
    return found


@contextlib.contextmanager
def offline_aws_environment(region):
    """The SAM translator builds a boto3 session only to learn the region (pseudo parameters): it needs no
    credentials and no network, so a profile that does not exist, or none at all, must not stop it."""
    names = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_DEFAULT_REGION")
    saved = {name: os.environ.get(name) for name in names}
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        os.environ.pop(name, None)
    os.environ.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_DEFAULT_REGION=region)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def generate(template_path, bucket, parameters=None, resource_prefix=DEFAULT_RESOURCE_PREFIX, region="us-east-1",
             translate=True):
    """(plain CloudFormation template as a dict, [(zip path, s3 key)]); (None, uploads) if not translate."""
    problems = []
    if not BUCKET_NAME.fullmatch(bucket or ""):
        problems.append("--bucket %s is not an S3 bucket name" % shown(bucket or ""))
    base_dir = os.path.dirname(os.path.abspath(template_path))
    source = parse_template(template_path)
    if source.get("Transform") not in ("AWS::Serverless-2016-10-31", ["AWS::Serverless-2016-10-31"]):
        raise GenerationError("%s is not a SAM template (Transform: AWS::Serverless-2016-10-31)" % template_path)
    source = inline_includes(source, base_dir)
    # Each step reports all its problems; the packages and the parameters are checked even when the other
    # is wrong, so that one run names every bad input.
    uploads, values = [], {}
    try:
        uploads = point_code_at_bucket(source, bucket, base_dir)
    except GenerationError as error:
        problems += error.problems
    source = remove_cross_account_mode(source)
    try:
        values = apply_parameters(source, parameters or {}, resource_prefix)
    except GenerationError as error:
        problems += error.problems
    if problems:
        raise GenerationError(problems)
    if not translate:
        return None, uploads

    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.translator.transform import transform

    try:
        with offline_aws_environment(region):
            output = transform(copy.deepcopy(source), values, _NoManagedPolicies())
    except InvalidDocumentException as error:
        raise GenerationError("the SAM translator refused template.yaml: %s"
                              % "; ".join(str(cause) for cause in error.causes))
    left = transforms_left(output)
    if left:
        raise GenerationError("transforms left after translation (a StackSet cannot run them): %s" % ", ".join(left))
    output.setdefault("Metadata", {})["StaleKeysOrganization"] = {
        "GeneratedFrom": "template.yaml",
        "TemplateSha256": sha256_of(template_path),
        "Artifacts": {key: os.path.relpath(path, base_dir) for path, key in uploads},
    }
    return output, uploads


def render(template):
    text = json.dumps(template, separators=(",", ":"), sort_keys=True)
    if len(text.encode("utf-8")) > MAX_TEMPLATE_BYTES:
        raise GenerationError("the member template is %d bytes; CloudFormation takes at most %d from S3"
                              % (len(text.encode("utf-8")), MAX_TEMPLATE_BYTES))
    return text


def parse_parameter(text):
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError("expected Name=Value, got %s" % shown(text))
    return name, value


def describe(template, uploads, given, base_dir, size):
    """What every account gets, as the rollout's --dry-run prints it."""
    types = {}
    for resource in template["Resources"].values():
        types[resource["Type"]] = types.get(resource["Type"], 0) + 1
    lines = ["Member stack, in every target account (%d resources, template %d bytes):"
             % (len(template["Resources"]), size)]
    lines += ["  %3d %s" % (count, kind) for kind, count in sorted(types.items())]
    lines.append("Its parameters (the same in every account; change one with --parameter Name=Value):")
    parameters = template.get("Parameters", {})
    width = max(len(name) for name in parameters)
    for name in sorted(parameters):
        value = str(parameters[name].get("Default", ""))
        lines.append("  %-*s  %s%s" % (width, name, shown(value, 80) if value else "(empty)",
                                        "   <- %s" % given[name] if name in given else ""))
    lines.append("Lambda packages, uploaded to the artifact bucket under keys named by their SHA-256:")
    lines += ["  %s  (%s)" % (key, os.path.relpath(path, base_dir)) for path, key in uploads]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bucket", help="artifact bucket (stack output ArtifactBucketName); not with --check")
    parser.add_argument("--output", help="where to write the member template (JSON); optional with --check")
    parser.add_argument("--check", action="store_true",
                        help="check every input and generate with a placeholder bucket; print what every account "
                             "would get; write nothing unless --output is given")
    parser.add_argument("--inputs-only", action="store_true",
                        help="with --check: check the inputs only, without running the SAM translator (the "
                             "rollout's quick check when its own options are wrong already)")
    parser.add_argument("--template", default=DEFAULT_TEMPLATE, help="the SAM template (default: template.yaml)")
    parser.add_argument("--resource-prefix", default=DEFAULT_RESOURCE_PREFIX,
                        help="ResourcePrefix of every account's resources (default StaleKeys)")
    parser.add_argument("--parameter", action="append", type=parse_parameter, default=[],
                        metavar="NAME=VALUE", help="a template.yaml parameter value, repeatable")
    parser.add_argument("--region", default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
                        or "us-east-1", help="region of the deployment (pseudo parameters only)")
    args = parser.parse_args(argv)
    if args.check and args.bucket:
        parser.error("--check generates with a placeholder bucket: no --bucket")
    if args.inputs_only and not args.check:
        parser.error("--inputs-only goes with --check")
    if not args.check and not (args.bucket and args.output):
        parser.error("--bucket and --output are required (or --check)")
    names = [name for name, _ in args.parameter]
    repeated = sorted({name for name in names if names.count(name) > 1})
    problems = ["--parameter %s given more than once" % shown(name) for name in repeated]
    try:
        template, uploads = generate(args.template, args.bucket or PLACEHOLDER_BUCKET, dict(args.parameter),
                                     args.resource_prefix, args.region, translate=not args.inputs_only)
        if problems:
            raise GenerationError([])
        if args.inputs_only:
            return 0
        text = render(template)
    except GenerationError as error:
        for problem in problems + error.problems:
            print("member_template: %s" % problem, file=sys.stderr)
        return 2
    except ImportError as error:
        print("member_template: %s is needed: python3 -m pip install --user 'cfn-lint>=1.51,<2' (it brings it)"
              % error.name, file=sys.stderr)
        return 2
    if args.output:
        os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    if args.check:
        given = {name: "--parameter" for name in names}
        if args.resource_prefix != DEFAULT_RESOURCE_PREFIX:
            given["ResourcePrefix"] = "--resource-prefix"
        print(describe(template, uploads, given, os.path.dirname(os.path.abspath(args.template)),
                       len(text.encode("utf-8"))))
        return 0
    for path, key in uploads:
        print("%s %s" % (path, key))
    return 0


if __name__ == "__main__":
    sys.exit(main())
