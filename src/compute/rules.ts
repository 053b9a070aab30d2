import { IConstruct } from 'constructs';
import { check } from '../core/errors';

// Format rules of VM devices that KubeVirt's admission webhooks apply; internal to the compute module.

/** kubevirt pkg/network/admitter/netiface.go validateInterfaceNameFormat. */
const INTERFACE_NAME = /^[A-Za-z0-9_-]+$/;

export function checkInterfaceName(scope: IConstruct, field: string, name: string): void {
  check(typeof name === 'string' && INTERFACE_NAME.test(name), scope, field, name,
    'must contain only letters, digits, \'-\' and \'_\' (KubeVirt pairs interfaces and networks by this name)');
}

const MAC_SEPARATED = /^[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}$/;
const MAC_DOTTED = /^[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}$/;

/** The MAC of the in-pod bridge of masquerade binding (kubevirt pkg/network/link IsReserved). */
export const RESERVED_MAC = '02:00:00:00:00:00';

/**
 * Parses a 6-byte MAC the way Go's net.ParseMAC does (colon, hyphen or dotted form); returns the
 * canonical lower-case colon form, or undefined.
 */
export function parseMac(value: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  let hex: string;
  if (MAC_SEPARATED.test(value)) hex = value.replace(/[:-]/g, '');
  else if (MAC_DOTTED.test(value)) hex = value.replace(/\./g, '');
  else return undefined;
  return hex.toLowerCase().match(/../g)!.join(':');
}

export function checkMac(scope: IConstruct, field: string, value: string, masquerade: boolean): void {
  const mac = parseMac(value);
  check(mac !== undefined, scope, field, value, 'must be a MAC address of 6 bytes such as "02:00:5e:00:53:01"');
  // A multicast source address is dropped by every bridge and switch; the guest NIC would be unusable.
  check(parseInt(mac!.slice(0, 2), 16) % 2 === 0, scope, field, value, 'must be a unicast MAC address (the lowest bit of the first byte clear)');
  // 00:00:00:00:00:00 is no address at all: bridges and switches drop frames from it.
  check(mac !== '00:00:00:00:00:00', scope, field, value, 'is the all-zero MAC address, which no NIC may use');
  if (masquerade) {
    check(mac !== RESERVED_MAC, scope, field, value, 'is reserved for the in-pod bridge of masquerade binding; choose another MAC address');
  }
}

/** kubevirt pkg/util/hardware PCI_ADDRESS_PATTERN: domain:bus:slot.function. */
const PCI_ADDRESS = /^[0-9A-Fa-f]{4}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-7]$/;

export function checkPciAddress(scope: IConstruct, field: string, value: string): void {
  check(typeof value === 'string' && PCI_ADDRESS.test(value), scope, field, value,
    'must be a PCI address domain:bus:slot.function such as "0000:81:01.0"');
}

/** k8s.io/apimachinery validation.IsValidPortName (an IANA service name). */
export function isPortName(value: string): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= 15 && /^[a-z0-9-]+$/.test(value)
    && /[a-z]/.test(value) && !value.includes('--') && !value.startsWith('-') && !value.endsWith('-');
}

export function checkPortName(scope: IConstruct, field: string, value: string): void {
  check(isPortName(value), scope, field, value,
    'must be an IANA service name: at most 15 lower-case letters, digits and \'-\', with at least one letter and no \'-\' at either end or twice in a row');
}

export function checkPortNumber(scope: IConstruct, field: string, value: number): void {
  check(Number.isInteger(value) && value >= 1 && value <= 65535, scope, field, value, 'must be an integer from 1 to 65535');
}

/** Boot orders start at 1 (kubevirt vmi-create-admitter.go validateBootOrderValue). */
export function checkBootOrder(scope: IConstruct, field: string, value: number | undefined): void {
  if (value === undefined) return;
  check(Number.isInteger(value) && value >= 1, scope, field, value, 'must be an integer of at least 1');
}
