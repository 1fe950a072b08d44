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
"""

import argparse
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


class GenerationError(Exception):
    """A bad input, named in the message."""


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
    uploads = []
    for name, resource in template["Resources"].items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        code_uri = resource.get("Properties", {}).get("CodeUri")
        if not isinstance(code_uri, str) or not code_uri.endswith(".zip"):
            raise GenerationError("%s: CodeUri must be a local .zip (mvn -B package builds it), got %r" % (name, code_uri))
        path = os.path.normpath(os.path.join(base_dir, code_uri))
        if not os.path.isfile(path):
            raise GenerationError("%s: %s is not built. Build first, from the repository root: "
                                  "mvn -B package -DskipTests" % (name, code_uri))
        stem = os.path.basename(code_uri)[: -len(".zip")]
        key = "%s/%s-%s.zip" % (KEY_PREFIX, stem, sha256_of(path))
        resource["Properties"]["CodeUri"] = "s3://%s/%s" % (bucket, key)
        uploads.append((path, key))
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


def apply_parameters(template, values, resource_prefix):
    declared = template.get("Parameters", {})
    chosen = dict(values)
    if "ResourcePrefix" in declared:
        chosen.setdefault("ResourcePrefix", resource_prefix)
    elif resource_prefix != DEFAULT_RESOURCE_PREFIX:
        raise GenerationError("--resource-prefix: this template.yaml has no ResourcePrefix parameter")
    for name, value in chosen.items():
        if name in CROSS_ACCOUNT_PARAMETERS:
            raise GenerationError("--parameter %s: the organization deployment runs the rule in each account "
                                  "with that account's own roles; no role is assumed across accounts" % name)
        if name not in declared:
            raise GenerationError("--parameter %s: template.yaml has no such parameter (it has: %s)"
                                  % (name, ", ".join(sorted(declared))))
        spec = declared[name]
        if "AllowedValues" in spec and value not in [str(v) for v in spec["AllowedValues"]]:
            raise GenerationError("--parameter %s=%s: allowed values are %s"
                                  % (name, value, ", ".join(str(v) for v in spec["AllowedValues"])))
        if "AllowedPattern" in spec and not re.fullmatch(spec["AllowedPattern"], value):
            raise GenerationError("--parameter %s=%s does not match %s" % (name, value, spec["AllowedPattern"]))
        if spec.get("Type") == "Number":
            try:
                number = float(value)
            except ValueError:
                raise GenerationError("--parameter %s=%s: a number is expected" % (name, value))
            if ("MinValue" in spec and number < spec["MinValue"]) or ("MaxValue" in spec and number > spec["MaxValue"]):
                raise GenerationError("--parameter %s=%s: allowed range is %s..%s"
                                      % (name, value, spec.get("MinValue"), spec.get("MaxValue")))
        spec["Default"] = value
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


def generate(template_path, bucket, parameters=None, resource_prefix=DEFAULT_RESOURCE_PREFIX, region="us-east-1"):
    """(plain CloudFormation template as a dict, [(zip path, s3 key)])."""
    if not BUCKET_NAME.fullmatch(bucket or ""):
        raise GenerationError("--bucket %r is not an S3 bucket name" % bucket)
    base_dir = os.path.dirname(os.path.abspath(template_path))
    source = parse_template(template_path)
    if source.get("Transform") not in ("AWS::Serverless-2016-10-31", ["AWS::Serverless-2016-10-31"]):
        raise GenerationError("%s is not a SAM template (Transform: AWS::Serverless-2016-10-31)" % template_path)
    source = inline_includes(source, base_dir)
    uploads = point_code_at_bucket(source, bucket, base_dir)
    source = remove_cross_account_mode(source)
    values = apply_parameters(source, parameters or {}, resource_prefix)

    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.translator.transform import transform

    # The translator needs a region for pseudo parameters, never credentials or the network.
    os.environ.setdefault("AWS_DEFAULT_REGION", region)
    try:
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
        raise argparse.ArgumentTypeError("expected Name=Value, got %r" % text)
    return name, value


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bucket", required=True, help="artifact bucket (stack output ArtifactBucketName)")
    parser.add_argument("--output", required=True, help="where to write the member template (JSON)")
    parser.add_argument("--template", default=DEFAULT_TEMPLATE, help="the SAM template (default: template.yaml)")
    parser.add_argument("--resource-prefix", default=DEFAULT_RESOURCE_PREFIX,
                        help="ResourcePrefix of every account's resources (default StaleKeys)")
    parser.add_argument("--parameter", action="append", type=parse_parameter, default=[],
                        metavar="NAME=VALUE", help="a template.yaml parameter value, repeatable")
    parser.add_argument("--region", default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
                        or "us-east-1", help="region of the deployment (pseudo parameters only)")
    args = parser.parse_args(argv)
    names = [name for name, _ in args.parameter]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        parser.error("--parameter given more than once for: %s" % ", ".join(repeated))
    try:
        template, uploads = generate(args.template, args.bucket, dict(args.parameter), args.resource_prefix,
                                     args.region)
        text = render(template)
    except GenerationError as error:
        print("member_template: %s" % error, file=sys.stderr)
        return 2
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w", encoding="utf-8") as handle:
        handle.write(text)
    for path, key in uploads:
        print("%s %s" % (path, key))
    return 0


if __name__ == "__main__":
    sys.exit(main())
