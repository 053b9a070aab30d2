"""What `python -O` changes (README, Performance): the jsii runtime's typeguard argument checks are skipped, so a
value of the wrong type fails in the jsii kernel (jsii's deserialization error) instead of in Python
(typeguard's TypeError); either way it fails before any construct is made."""

import subprocess
import sys

PROGRAM = """
import cdk8s
from cdk8s_kubevirt import BridgeNetwork
app = cdk8s.App()
try:
    BridgeNetwork(cdk8s.Chart(app, "c"), "n", bridge="br1", vlan="x")
except Exception as e:
    print(type(e).__name__, str(e).splitlines()[0])
"""


def run(*flags):
    return subprocess.run([sys.executable, *flags, "-c", PROGRAM], capture_output=True, text=True, check=True).stdout


def test_typeguard_refuses_a_wrong_type_in_python():
    assert run().startswith("TypeError type of argument vlan must be one of (int, float, NoneType); got str instead")


def test_with_python_O_the_kernel_refuses_it():
    assert run("-O").startswith("RuntimeError Passed to parameter props of new cdk8s-kubevirt.BridgeNetwork: Unable to deserialize value")
