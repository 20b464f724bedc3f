"""The flow classes of published versions, importable by name (`generated.V12_9f3ab2c1Flow`).

viewflow resolves a process's `flow_class` and a task's `flow_task` with `import_string`;
the module-level `__getattr__` (PEP 562) builds the class from its version on first use. The
name holds a digest of the version's content too, so a name always means the same graph (a
test database may hand out a primary key again).
"""

import hashlib
import json
import re

_NAME = re.compile(r"^V(\d+)_([0-9a-f]{8})Flow$")
_built: dict[str, type] = {}


def class_name(version) -> str:
    content = json.dumps([version.definition.title, version.number, version.graph], sort_keys=True)
    return f"V{version.pk}_{hashlib.sha256(content.encode()).hexdigest()[:8]}Flow"


def flow_class_for(version):
    name = class_name(version)
    if name not in _built:
        from .flows import build_flow

        _built[name] = build_flow(version, name)
    return _built[name]


def __getattr__(name: str):
    match = _NAME.match(name)
    if match is None:
        raise AttributeError(name)
    from .models import WorkflowVersion

    version = WorkflowVersion.objects.select_related("definition").filter(pk=match[1]).first()
    if version is None or class_name(version) != name:
        raise AttributeError(name)
    return flow_class_for(version)
