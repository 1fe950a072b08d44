"""Loading the deployment templates for the checks: the SAM template translated to plain
CloudFormation by the SAM translator (offline), conditions resolved, policies collected."""

import copy
import functools
import json
import os
import re

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SAM_TEMPLATE = os.path.join(ROOT, "template.yaml")
CONFORMANCE_PACK = os.path.join(ROOT, "conformance-pack.yaml")
MEMBER_ROLE = os.path.join(ROOT, "deploy", "member-account-role.yaml")
NO_VALUE = object()


def parse(path):
    """A CloudFormation YAML template (short tags such as !Ref become their long form)."""
    from samtranslator.yaml_helper import yaml_parse

    with open(path, encoding="utf-8") as handle:
        return yaml_parse(handle.read())


def parse_text(text):
    """parse() for a template given as text."""
    from samtranslator.yaml_helper import yaml_parse

    return yaml_parse(text)


def runbook(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


class _NoManagedPolicies:
    """The translator asks for AWS managed policy ARNs only for `Policies: [name]`; the template uses none."""

    def load(self):
        return {}


@functools.lru_cache(maxsize=None)
def _translated_json():
    source = parse(SAM_TEMPLATE)
    for resource in source["Resources"].values():
        if resource.get("Type") == "AWS::Serverless::Function":
            # What `sam deploy`/`sam package` do: upload the local CodeUri and put its S3 URI instead.
            resource["Properties"]["CodeUri"] = "s3://package-bucket/" + resource["Properties"]["CodeUri"]
    return json.dumps(sam_transform(source, {}))


def sam_transform(source, parameter_values):
    """source through the SAM translator (the AWS::Serverless transform) with the given parameter values."""
    # The translator needs a region for pseudo parameters, never credentials or the network.
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    from samtranslator.metrics.method_decorator import MetricsMethodWrapperSingleton
    from samtranslator.translator.transform import transform

    try:
        return transform(source, parameter_values, _NoManagedPolicies())
    finally:
        # The translator times itself into an offline, no-op metrics publisher; publishing empties it, else
        # each translation warns of "unpublished metrics" when it is garbage-collected.
        MetricsMethodWrapperSingleton.get_instance().publish()


def translated():
    """template.yaml as plain CloudFormation (a fresh copy each call)."""
    return json.loads(_translated_json())


def resolve(node, conditions):
    """Resolves Fn::If with the given truth value of each condition and drops AWS::NoValue."""
    if isinstance(node, dict):
        if set(node) == {"Fn::If"}:
            name, when_true, when_false = node["Fn::If"]
            return resolve(when_true if conditions[name] else when_false, conditions)
        if node == {"Ref": "AWS::NoValue"}:
            return NO_VALUE
        out = {}
        for key, value in node.items():
            value = resolve(value, conditions)
            if value is not NO_VALUE:
                out[key] = value
        return out
    if isinstance(node, list):
        return [item for item in (resolve(value, conditions) for value in node) if item is not NO_VALUE]
    return node


def with_conditions(template, conditions):
    """The template as CloudFormation would see it: conditional resources dropped, Fn::If resolved."""
    template = copy.deepcopy(template)
    template["Resources"] = {name: res for name, res in template["Resources"].items()
                             if conditions.get(res.get("Condition"), True)}
    return resolve(template, conditions)


def scenarios(template):
    """Every condition false (the defaults: optional settings empty), and every condition true."""
    names = list(template.get("Conditions", {}))
    return {
        "all conditions false": {name: False for name in names},
        "all conditions true": {name: True for name in names},
    }


def resources_of(template, resource_type):
    return {name: res for name, res in template["Resources"].items() if res["Type"] == resource_type}


def as_list(value):
    return value if isinstance(value, list) else [value]


def policy_documents(template):
    """(where, policy document) for every identity policy of the template."""
    found = []
    for name, res in template["Resources"].items():
        props = res.get("Properties", {})
        if res["Type"] == "AWS::IAM::Role":
            for policy in props.get("Policies", []):
                found.append(("%s/%s" % (name, policy["PolicyName"]), policy["PolicyDocument"]))
        elif res["Type"] in ("AWS::IAM::RolePolicy", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            found.append((name, props["PolicyDocument"]))
    return found


def role_statements(template, role):
    """Statements granted to a role: inline policies and AWS::IAM::RolePolicy/Policy attached to it."""
    statements = []
    res = template["Resources"][role]
    for policy in res["Properties"].get("Policies", []):
        statements += as_list(policy["PolicyDocument"]["Statement"])
    for other in template["Resources"].values():
        props = other.get("Properties", {})
        if other["Type"] == "AWS::IAM::RolePolicy" and props.get("RoleName") == {"Ref": role}:
            statements += as_list(props["PolicyDocument"]["Statement"])
        if other["Type"] == "AWS::IAM::Policy" and {"Ref": role} in props.get("Roles", []):
            statements += as_list(props["PolicyDocument"]["Statement"])
    return statements


def actions_of(statements):
    actions = set()
    for statement in statements:
        actions.update(as_list(statement.get("Action", [])))
    return actions


def referenced_names(node):
    """Names used through Ref, Fn::GetAtt, Fn::Sub ${Name} / ${Name.Attr} and Fn::If conditions."""
    names = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                names.add(value)
            elif key == "Fn::Sub":
                text = value if isinstance(value, str) else value[0]
                names.update(match.split(".")[0] for match in re.findall(r"\$\{([^!}][^}]*)\}", text))
                if not isinstance(value, str):
                    names.update(referenced_names(value[1]))
            elif key == "Fn::If":
                names.add(value[0])
                names.update(referenced_names(value[1:]))
            elif key == "Condition" and isinstance(value, str):
                names.add(value)
            else:
                names.update(referenced_names(value))
    elif isinstance(node, list):
        for item in node:
            names.update(referenced_names(item))
    return names
