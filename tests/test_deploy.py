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
