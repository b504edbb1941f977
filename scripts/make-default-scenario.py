#!/usr/bin/env python3
"""Writes scenarios/default.yaml: the sandbox's default cluster, built from the real demo
applications' requests and limits (shared data: workload-resources-summary.csv, copied in
below so the scenario can be regenerated without it). Run from the repository root."""
import yaml

# (app, workload, container, req_cpu, req_mem, lim_cpu, lim_mem) from the summary CSV; empty
# requests in the upstream manifests get the values a team would typically set.
BOUTIQUE = [
    ("frontend", "server", "100m", "64Mi", "200m", "128Mi", 8080),
    ("adservice", "server", "200m", "180Mi", "300m", "300Mi", 9555),
    ("currencyservice", "server", "100m", "64Mi", "200m", "128Mi", 7000),
    ("cartservice", "server", "200m", "64Mi", "300m", "128Mi", 7070),
    ("redis-cart", "redis", "70m", "200Mi", "125m", "256Mi", 6379),
    ("loadgenerator", "main", "300m", "256Mi", "500m", "512Mi", 0),
    ("recommendationservice", "server", "100m", "220Mi", "200m", "450Mi", 8080),
    ("checkoutservice", "server", "100m", "64Mi", "200m", "128Mi", 5050),
    ("emailservice", "server", "100m", "64Mi", "200m", "128Mi", 8080),
    ("paymentservice", "server", "100m", "64Mi", "200m", "128Mi", 50051),
    ("shippingservice", "server", "100m", "64Mi", "200m", "128Mi", 50051),
    ("productcatalogservice", "server", "100m", "64Mi", "200m", "128Mi", 3550),
]
SOCKSHOP = [
    ("carts", "carts", "100m", "200Mi", "300m", "500Mi", 80),
    ("carts-db", "carts-db", "200m", "512Mi", "", "1Gi", 27017),
    ("catalogue", "catalogue", "100m", "100Mi", "200m", "200Mi", 80),
    ("catalogue-db", "catalogue-db", "200m", "512Mi", "", "1Gi", 3306),
    ("front-end", "front-end", "100m", "300Mi", "300m", "1000Mi", 8079),
    ("orders", "orders", "100m", "300Mi", "500m", "500Mi", 80),
    ("orders-db", "orders-db", "200m", "512Mi", "", "1Gi", 27017),
    ("payment", "payment", "99m", "100Mi", "200m", "200Mi", 80),
    ("queue-master", "queue-master", "100m", "300Mi", "300m", "500Mi", 80),
    ("rabbitmq", "rabbitmq", "250m", "512Mi", "", "1Gi", 5672),
    ("session-db", "session-db", "100m", "128Mi", "", "256Mi", 6379),
    ("shipping", "shipping", "100m", "300Mi", "300m", "500Mi", 80),
    ("user", "user", "100m", "100Mi", "300m", "200Mi", 80),
    ("user-db", "user-db", "200m", "512Mi", "", "1Gi", 27017),
]
# The OpenTelemetry demo sets only memory limits; requests here are what its Helm chart
# users commonly add (memory request = limit, small CPU).
OTEL = [
    ("accounting", "120Mi"), ("ad", "300Mi"), ("cart", "160Mi"), ("checkout", "20Mi"),
    ("currency", "20Mi"), ("email", "100Mi"), ("flagd", "75Mi"), ("fraud-detection", "300Mi"),
    ("frontend", "250Mi"), ("frontend-proxy", "65Mi"), ("image-provider", "50Mi"),
    ("kafka", "600Mi"), ("load-generator", "1500Mi"), ("payment", "120Mi"),
    ("postgresql", "100Mi"), ("product-catalog", "20Mi"), ("quote", "40Mi"),
    ("recommendation", "500Mi"), ("shipping", "20Mi"), ("valkey-cart", "20Mi"),
    ("grafana", "150Mi"), ("jaeger", "400Mi"), ("otel-collector", "200Mi"), ("prometheus", "300Mi"),
]
ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]


def container(name, image, req_cpu, req_mem, lim_cpu, lim_mem):
    c = {"name": name, "image": image, "requests": {"cpu": req_cpu, "memory": req_mem}}
    limits = {}
    if lim_cpu:
        limits["cpu"] = lim_cpu
    if lim_mem:
        limits["memory"] = lim_mem
    if limits:
        c["limits"] = limits
    return c


def main():
    s = {
        "cluster": {"name": "cloudoptim-demo", "region": "us-east-1"},
        "namespaces": [
            {"name": "boutique-prod", "labels": {"environment": "production", "team": "storefront"}},
            {"name": "boutique-staging", "labels": {"environment": "staging", "team": "storefront"}},
            {"name": "sock-shop", "labels": {"environment": "production", "team": "shop"}},
            {"name": "sock-shop-dev", "labels": {"environment": "dev", "team": "shop"}},
            {"name": "otel-demo", "labels": {"environment": "staging", "team": "observability"}},
            {"name": "batch", "labels": {"environment": "production", "team": "data"}},
        ],
        "nodeGroups": [
            {"name": "system", "instanceTypes": ["t3.large"], "zones": ZONES,
             "capacityType": "on-demand", "count": 3, "labels": {"node-role.kubernetes.io/system": ""}},
            {"name": "general-od", "instanceTypes": ["m5.xlarge", "m6i.xlarge"], "zones": ZONES,
             "capacityType": "on-demand", "count": 12},
            {"name": "general-spot", "instanceTypes": ["m5.2xlarge", "m5a.2xlarge", "m6i.2xlarge"],
             "zones": ZONES, "capacityType": "spot", "count": 12},
            {"name": "compute-spot", "instanceTypes": ["c5.2xlarge", "c6i.2xlarge"], "zones": ZONES,
             "capacityType": "spot", "count": 6},
            {"name": "memory-od", "instanceTypes": ["r5.xlarge"], "zones": ZONES,
             "capacityType": "on-demand", "count": 6},
            {"name": "batch-spot", "instanceTypes": ["c5.xlarge"], "zones": ZONES, "capacityType": "spot",
             "count": 3, "labels": {"workload": "batch"},
             "taints": [{"key": "dedicated", "value": "batch", "effect": "NoSchedule"}]},
            # Reserved for a migration that never happened: nothing selects them, so they idle.
            {"name": "legacy-reserved", "instanceTypes": ["m5.2xlarge"], "zones": ZONES,
             "capacityType": "on-demand", "count": 6, "labels": {"workload": "legacy"},
             "taints": [{"key": "dedicated", "value": "legacy", "effect": "NoSchedule"}]},
        ],
        "workloads": [],
        "volumes": [
            {"zone": "us-east-1a", "sizeGiB": 100, "type": "gp3", "count": 2},
            {"zone": "us-east-1b", "sizeGiB": 500, "type": "gp2", "count": 1},
            {"zone": "us-east-1c", "sizeGiB": 50, "type": "gp3", "count": 2},
            {"zone": "us-east-1a", "sizeGiB": 1000, "type": "io2", "count": 1},
        ],
        "orphanInstances": [
            {"instanceType": "m5.large", "zone": "us-east-1b", "count": 1},
            {"instanceType": "c5.xlarge", "zone": "us-east-1c", "count": 1, "capacityType": "spot"},
        ],
        "traffic": [],
    }
    w = s["workloads"]
    # Platform DaemonSets: every node runs them (they tolerate every taint).
    for name, cpu, mem in [("aws-node", "25m", "64Mi"), ("kube-proxy", "100m", "64Mi"),
                           ("ebs-csi-node", "30m", "96Mi"), ("node-exporter", "50m", "64Mi")]:
        w.append({"name": name, "namespace": "kube-system", "kind": "DaemonSet",
                  "labels": {"k8s-app": name},
                  "tolerations": [{"operator": "Exists"}],
                  "containers": [container(name, f"public.ecr.aws/eks/{name}:v1.32", cpu, mem, "", "")],
                  "usage": {"cpu": 0.5, "memory": 0.7}})
    for name, replicas, cpu, mem, lim in [("coredns", 2, "100m", "70Mi", "170Mi"),
                                          ("metrics-server", 1, "100m", "200Mi", "400Mi"),
                                          ("karpenter", 2, "1", "1Gi", "1Gi")]:
        w.append({"name": name, "namespace": "kube-system", "replicas": replicas,
                  "labels": {"k8s-app": name}, "nodeSelector": {"eks.amazonaws.com/nodegroup": "system"},
                  "containers": [container(name, f"public.ecr.aws/eks/{name}:latest", cpu, mem, "", lim)],
                  "usage": {"cpu": 0.15, "memory": 0.5}, "pdb": {"maxUnavailable": 1}})
    # Online Boutique in production (scaled out) and staging (one replica each).
    prod_replicas = {"frontend": 9, "cartservice": 6, "checkoutservice": 4, "currencyservice": 6,
                     "productcatalogservice": 6, "recommendationservice": 4, "redis-cart": 1,
                     "loadgenerator": 1, "adservice": 3, "emailservice": 3, "paymentservice": 3,
                     "shippingservice": 3}
    for env, ns in [("prod", "boutique-prod"), ("staging", "boutique-staging")]:
        for name, cname, rc, rm, lc, lm, port in BOUTIQUE:
            # Production teams pad requests: 3x CPU, 2x memory over what the demo ships.
            scale_cpu, scale_mem = (3, 2) if env == "prod" else (1, 1)
            req_cpu = f"{int(rc.rstrip('m')) * scale_cpu}m"
            req_mem = f"{int(rm.rstrip('Mi')) * scale_mem}Mi"
            lim_mem = f"{int(lm.rstrip('Mi')) * scale_mem}Mi"
            lim_cpu = f"{int(lc.rstrip('m')) * scale_cpu}m"
            wl = {"name": name, "namespace": ns,
                  "replicas": prod_replicas[name] if env == "prod" else 1,
                  "labels": {"app": name, "app.kubernetes.io/part-of": "online-boutique"},
                  "containers": [container(cname, f"us-central1-docker.pkg.dev/online-boutique-ci/microservices-demo/{name}:v0.10.6",
                                           req_cpu, req_mem, lim_cpu, lim_mem)],
                  "usage": {"cpu": 0.25 if env == "prod" else 0.4, "memory": 0.35 if env == "prod" else 0.5}}
            if port:
                wl["servicePort"] = port
            if name == "recommendationservice" and env == "prod":
                wl["usage"]["oom"] = True  # its Python heap outgrows the 900Mi limit hourly
            if name == "frontend" and env == "prod":
                wl["pdb"] = {"minAvailable": "60%"}
                wl["topologySpreadConstraints"] = [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
                                                    "whenUnsatisfiable": "DoNotSchedule",
                                                    "labelSelector": {"matchLabels": {"app": "frontend"}}}]
            if name == "cartservice" and env == "prod":
                wl["pdb"] = {"maxUnavailable": 1}
            if name == "redis-cart" and env == "prod":
                wl["pdb"] = {"minAvailable": 1}  # a single replica: drains of its node block
            w.append(wl)
    for env, ns, replicas in [("prod", "sock-shop", 4), ("dev", "sock-shop-dev", 1)]:
        for name, cname, rc, rm, lc, lm, port in SOCKSHOP:
            is_db = name.endswith("-db") or name == "rabbitmq"
            wl = {"name": name, "namespace": ns, "replicas": 1 if is_db else replicas,
                  "labels": {"name": name, "app.kubernetes.io/part-of": "sock-shop"},
                  "containers": [container(cname, f"weaveworksdemos/{name}:0.4.8", rc, rm, lc, lm)],
                  "usage": {"cpu": 0.2, "memory": 0.4 if not is_db else 0.6}, "servicePort": port}
            if name in ("carts-db", "orders-db", "user-db"):
                wl["kind"] = "StatefulSet"
                wl["volumeClaims"] = [{"name": "data", "size": "20Gi", "storageClass": "gp3"}]
            if name == "carts" and env == "dev":
                wl["usage"]["oom"] = True  # JVM without container-aware heap sizing
            if name == "orders" and env == "prod":
                wl["pdb"] = {"minAvailable": "50%"}
            w.append(wl)
    for name, mem in OTEL:
        wl = {"name": name, "namespace": "otel-demo", "replicas": 2 if name in ("frontend", "cart", "checkout") else 1,
              "labels": {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "opentelemetry-demo"},
              "containers": [container(name, f"ghcr.io/open-telemetry/demo:2.0.2-{name}", "50m", mem, "", mem)],
              "usage": {"cpu": 0.5, "memory": 0.55}, "servicePort": 8080}
        if name == "kafka":
            wl["usage"] = {"cpu": 0.6, "memory": 0.8, "oom": True}
        w.append(wl)
    w.append({"name": "opensearch", "namespace": "otel-demo", "kind": "StatefulSet", "replicas": 1,
              "labels": {"app.kubernetes.io/name": "opensearch"},
              "containers": [container("opensearch", "opensearchproject/opensearch:2.19.0", "1000m", "100Mi", "", "1100Mi")],
              "volumeClaims": [{"name": "data", "size": "50Gi", "storageClass": "gp3"}],
              "usage": {"cpu": 0.15, "memory": 0.9}, "servicePort": 9200})
    for i, (cpu, mem) in enumerate([("2", "4Gi"), ("1", "2Gi"), ("500m", "1Gi")]):
        w.append({"name": f"nightly-etl-{i}", "namespace": "batch", "replicas": 4,
                  "labels": {"app": f"nightly-etl-{i}"},
                  "nodeSelector": {"workload": "batch"},
                  "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "batch", "effect": "NoSchedule"}],
                  "containers": [container("etl", "python:3.12-slim", cpu, mem, "", mem)],
                  "usage": {"cpu": 0.7, "memory": 0.5}})
    s["traffic"] = [
        {"namespace": "boutique-prod", "from": "frontend", "to": t, "requestsPerSecond": r, "bytesPerRequest": b}
        for t, r, b in [("cartservice", 180, 1500), ("productcatalogservice", 420, 8000),
                        ("currencyservice", 600, 300), ("recommendationservice", 150, 2000),
                        ("adservice", 140, 1200), ("checkoutservice", 25, 4000)]
    ] + [
        {"namespace": "sock-shop", "from": "front-end", "to": t, "requestsPerSecond": r, "bytesPerRequest": b}
        for t, r, b in [("catalogue", 250, 6000), ("carts", 90, 1500), ("orders", 20, 3000), ("user", 60, 800)]
    ]
    with open("scenarios/default.yaml", "w") as f:
        f.write("# The sandbox's default cluster: ~48 nodes over three zones running the Online Boutique,\n"
                "# Sock Shop and OpenTelemetry demo applications with their real requests and limits\n"
                "# (padded in production), OOM-prone containers, blocking PDBs, idle reserved nodes,\n"
                "# unattached volumes and orphan instances. Regenerate: scripts/make-default-scenario.py\n")
        yaml.safe_dump(s, f, sort_keys=False, default_flow_style=False, width=100)


if __name__ == "__main__":
    main()
