import { EdgecamError } from '../errors.js';

/**
 * What went wrong connecting to a broker, in words a maker can act on: a refused password, a
 * certificate that does not verify, a broker that is not there. The password is never in them.
 */

// MQTT 3.1.1 CONNACK return codes (spec 3.2.2.3) and MQTT 5 reason codes (spec 3.2.2.2).
const AUTH_CODES = new Map<number, string>([
  [2, 'identifier rejected (client id)'],
  [4, 'bad user name or password'],
  [5, 'not authorized'],
  [133, 'client identifier not valid'],
  [134, 'bad user name or password'],
  [135, 'not authorized'],
  [138, 'banned'],
  [140, 'bad authentication method'],
]);

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

export interface ConnectContext {
  /** The broker URL without credentials. */
  readonly url: string;
  readonly username: string | undefined;
  readonly clientId: string;
}

/**
 * Turns an mqtt.js or socket error into an EdgecamError with a fix.
 * @example connectError(err, { url: 'mqtts://broker:8883', username: 'cam', clientId: 'edgecam-pi' }).code // 'EDGECAM_ERR_MQTT_TLS'
 */
export function connectError(err: Error, context: ConnectContext): EdgecamError {
  const code = (err as { code?: unknown }).code;
  const { url } = context;
  if (typeof code === 'number' && AUTH_CODES.has(code)) {
    const what = AUTH_CODES.get(code)!;
    const fix =
      code === 2 || code === 133
        ? 'set mqtt.clientId to an id the broker accepts (unique, letters and digits)'
        : context.username === undefined
          ? 'the broker wants credentials: set mqtt.username and mqtt.password (or passwordFile, or EDGECAM_MQTT__PASSWORD)'
          : `check mqtt.username ("${context.username}") and the password (mqtt.password, passwordFile or EDGECAM_MQTT__PASSWORD), and the broker's ACL`;
    return new EdgecamError(
      'EDGECAM_ERR_MQTT_AUTH',
      `the broker at ${url} refused the connection: ${what} (code ${code}). Fix: ${fix}`,
      { cause: err },
    );
  }
  if (
    typeof code === 'string' &&
    (TLS_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS'))
  ) {
    const fix =
      code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? "connect by the name the broker's certificate was made for (mqtt.url)"
        : code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID'
          ? "renew the broker's certificate, and check this board's clock (a Pi without network time starts in 1970)"
          : "set mqtt.tls.ca to the PEM file of the authority that signed the broker's certificate";
    return new EdgecamError(
      'EDGECAM_ERR_MQTT_TLS',
      `cannot verify the TLS certificate of the broker at ${url}: ${err.message} (${code}). Fix: ${fix}`,
      { cause: err },
    );
  }
  const reason = typeof code === 'number' ? `${err.message} (code ${code})` : err.message;
  return new EdgecamError(
    'EDGECAM_ERR_MQTT_CONNECT',
    `cannot connect to the MQTT broker at ${url}: ${reason}. Fix: check mqtt.url and that the broker is running and reachable; edgecam keeps retrying`,
    { cause: err },
  );
}
