"""The address capacity rule and the estate plan through the Python bindings.

The capacity rule is app-wide (checked when the app is synthesized); the estate plan renders Markdown and,
through Graphviz compiled to WebAssembly running in a worker thread of the jsii kernel, SVG, synchronously.
"""

import pytest

from cdk8s_kubevirt import (
    AddressCapacity,
    BridgeNetwork,
    EstatePlan,
    Ipam,
    KubeVirtVm,
    MigrationHeadroom,
    VmMultusNetwork,
)


def vms_on(chart, range_, count):
    network = BridgeNetwork(chart, "net", name="net", bridge="br1", vlan=10, ipam=Ipam.whereabouts(range=range_))
    for i in range(count):
        KubeVirtVm(chart, f"vm-{i}", name=f"vm-{i}", memory="1Gi", networks=[VmMultusNetwork(network=network, name="net")])


def test_a_28_with_15_vms_is_refused(app, chart):
    # GIVEN 15 VMs on a /28 (14 usable addresses)
    vms_on(chart, "10.0.0.0/28", 15)
    # WHEN the app is synthesized THEN the network is refused with the library's message
    with pytest.raises(Exception, match=r'\[test/net\] range: "10.0.0.0/28" has 14 usable addresses .* fewer than the 17 it needs'):
        app.synth_yaml()


def test_the_same_vms_on_a_27_pass(app, chart):
    vms_on(chart, "10.0.0.0/27", 15)
    assert "kind: VirtualMachine" in app.synth_yaml()


def test_without_migration_headroom_14_vms_fill_a_28(app, chart):
    AddressCapacity.configure(app, migration_headroom=MigrationHeadroom.none())
    vms_on(chart, "10.0.0.0/28", 14)
    assert "kind: VirtualMachine" in app.synth_yaml()


def test_the_estate_plan_is_written_from_python(app, chart, tmp_path):
    # GIVEN an app with 3 VMs on a /27
    vms_on(chart, "10.0.0.0/27", 3)
    app.synth()
    # WHEN its plan is written
    plan = EstatePlan.of(app)
    written = plan.write_to(str(tmp_path / "plan"))
    # THEN plan.md holds the network's numbers and plan.svg is Graphviz's drawing
    markdown = (tmp_path / "plan" / "plan.md").read_text(encoding="utf-8")
    assert "| default/net | bridge | br1 VLAN 10 | - | 10.0.0.0/27 (10.0.0.1 to 10.0.0.30) | 30 | - | - | 3 | 1 | 26 | 14 % |" in markdown
    assert markdown == plan.to_markdown()
    svg = (tmp_path / "plan" / "plan.svg").read_text(encoding="utf-8")
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8" standalone="no"?>')
    assert svg == EstatePlan.of(app).to_svg()
    assert [p.split("/")[-1] for p in written] == ["plan.md", "plan.svg"]
