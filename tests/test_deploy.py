"""Deploy manifests parse and name the images and commands the project provides."""

from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def test_kuberay_manifests_are_valid_yaml_with_expected_kinds():
    cluster = yaml.safe_load((DEPLOY / "raycluster.yaml").read_text())
    job = yaml.safe_load((DEPLOY / "rayjob.yaml").read_text())
    assert cluster["kind"] == "RayCluster" and cluster["apiVersion"] == "ray.io/v1"
    assert job["kind"] == "RayJob" and job["spec"]["entrypoint"].startswith("bootcamp train ")
    config = job["spec"]["entrypoint"].split()[2].replace("/app/", "")
    assert (DEPLOY.parent / config).exists(), f"the RayJob runs {config}, which does not exist"


def test_rayservice_runs_the_reward_service_builder_with_valid_args():
    service = yaml.safe_load((DEPLOY / "rayservice.yaml").read_text())
    assert service["kind"] == "RayService" and service["apiVersion"] == "ray.io/v1"
    serve_config = yaml.safe_load(service["spec"]["serveConfigV2"])
    (app,) = serve_config["applications"]
    assert app["import_path"] == "rewards.serve_deployment:build"
    args = dict(app["args"])
    from rewards.serve_deployment import deployment_options
    from rewards.service.settings import Settings

    assert deployment_options(args, 2) == (2, 2.0)
    Settings.model_validate(args)  # the rest are service settings
    head = service["spec"]["rayClusterConfig"]["headGroupSpec"]
    assert head["rayStartParams"]["num-cpus"] == "0"  # replicas run on the workers


def test_cluster_launcher_config_matches_rays_schema():
    import json

    import jsonschema
    import ray

    config = yaml.safe_load((DEPLOY / "cluster.yaml").read_text())
    schema = json.loads((Path(ray.__file__).parent / "autoscaler" / "ray-schema.json").read_text())
    jsonschema.validate(config, schema)
    assert config["head_node_type"] in config["available_node_types"]
    broken = {k: v for k, v in config.items() if k != "provider"}
    try:  # the schema does check: a config without a provider is refused
        jsonschema.validate(broken, schema)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("ray's cluster schema accepted a config without a provider")


def test_gpu_dockerfile_builds_from_cuda_with_the_gpu_extra():
    text = (DEPLOY / "Dockerfile.gpu").read_text()
    froms = [line for line in text.splitlines() if line.startswith("FROM ")]
    assert froms and froms[0].startswith("FROM nvidia/cuda:")
    assert 'pip install ".[train,serve,gpu]"' in text
    for line in text.splitlines():
        if line.startswith("COPY "):
            src = line.split()[1:-1]
            assert all((DEPLOY.parent / s).exists() for s in src), line
    import tomllib

    extras = tomllib.loads((DEPLOY.parent / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert {"train", "serve", "gpu"} <= set(extras)


def test_compose_runs_two_reward_replicas_behind_one_redis():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert services["rewards"]["deploy"]["replicas"] == 2
    assert services["rewards"]["environment"]["BOOTCAMP_REDIS_URL"].startswith("redis://redis:")
    assert services["redis"]["image"].startswith("redis:") and "replicas" not in services["redis"].get("deploy", {})
    low, high = services["rewards"]["ports"][0].split(":")[0].split("-")
    assert int(high) - int(low) + 1 >= services["rewards"]["deploy"]["replicas"]  # a host port per replica
