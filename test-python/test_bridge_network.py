"""BridgeNetwork through the Python bindings: the NetworkAttachmentDefinition it writes and its checks."""

import ipaddress
import json

import pytest
import yaml

from cdk8s_kubevirt import BridgeNetwork, Ipam, IpRoute


def whereabouts_bridge(chart, **overrides):
    props = dict(
        name="my-bridge",
        namespace="my-ns",
        bridge="br1",
        vlan=1234,
        ipam=Ipam.whereabouts(
            range="10.123.124.0/24",
            routes=[IpRoute(destination="0.0.0.0/0", gateway="10.123.124.1")],
        ),
    )
    props.update(overrides)
    return BridgeNetwork(chart, "my-bridge", **props)


def synth_documents(app):
    return [doc for doc in yaml.safe_load_all(app.synth_yaml()) if doc is not None]


def test_bridge_network_writes_a_network_attachment_definition(app, chart):
    # GIVEN a bridge network on VLAN 1234 with whereabouts IPAM
    network = whereabouts_bridge(chart)

    # WHEN the app is synthesized
    docs = synth_documents(app)

    # THEN there is one NetworkAttachmentDefinition with a CNI config list for the bridge plugin
    nads = [d for d in docs if d["kind"] == "NetworkAttachmentDefinition"]
    assert len(nads) == 1
    nad = nads[0]
    assert nad["apiVersion"] == "k8s.cni.cncf.io/v1"
    assert nad["metadata"]["name"] == "my-bridge"
    assert nad["metadata"]["namespace"] == "my-ns"

    config = json.loads(nad["spec"]["config"])  # a JSON string: the CRD does not check it
    assert config["cniVersion"] == "0.4.0"
    assert config["name"] == "my-bridge"
    bridge = config["plugins"][0]
    assert bridge["type"] == "bridge"
    assert bridge["bridge"] == "br1"
    assert bridge["vlan"] == 1234

    ipam = bridge["ipam"]
    assert ipam["type"] == "whereabouts"
    assert ipam["range"] == "10.123.124.0/24"
    assert ipam["routes"] == [{"dst": "0.0.0.0/0", "gw": "10.123.124.1"}]  # CNI route keys

    # the gateway must never be handed to a VM: whereabouts ignores `gateway`, only `exclude` keeps it out
    gateway = ipaddress.ip_address("10.123.124.1")
    assert any(gateway in ipaddress.ip_network(cidr, strict=False) for cidr in ipam.get("exclude", []))

    # and VMs refer to the network as namespace/name
    assert network.reference == "my-ns/my-bridge"


@pytest.mark.parametrize("vlan", [5000, -1])
def test_vlan_out_of_range_is_rejected(chart, vlan):
    # jsii surfaces the library's error as a RuntimeError carrying the TypeScript message
    with pytest.raises(RuntimeError) as raised:
        whereabouts_bridge(chart, vlan=vlan)

    message = str(raised.value)
    assert "vlan" in message
    assert str(vlan) in message
