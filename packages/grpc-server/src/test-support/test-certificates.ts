import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM files of a throwaway CA, a server certificate for 127.0.0.1 and a client certificate. */
export interface TestCertificates {
  readonly ca: Buffer;
  readonly serverCert: Buffer;
  readonly serverKey: Buffer;
  readonly clientCert: Buffer;
  readonly clientKey: Buffer;
  /** A second CA and a client certificate it signed (which the first CA does not trust). */
  readonly strangerCert: Buffer;
  readonly strangerKey: Buffer;
  /** The folder they are in, as files `<name>.pem`. */
  readonly dir: string;
  remove(): void;
}

/** Makes the certificates with the `openssl` command (EC P-256, valid one day). */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'sjd-tls-'));
  const openssl = (...args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const key = (name: string) =>
    openssl(
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-out',
      `${name}-key.pem`,
    );
  const ca = (name: string) => {
    key(name);
    openssl(
      'req',
      '-x509',
      '-new',
      '-key',
      `${name}-key.pem`,
      '-subj',
      `/CN=${name}`,
      '-days',
      '1',
      '-out',
      `${name}.pem`,
    );
  };
  const signed = (name: string, by: string, extensions: string) => {
    key(name);
    openssl(
      'req',
      '-new',
      '-key',
      `${name}-key.pem`,
      '-subj',
      `/CN=${name}`,
      '-out',
      `${name}.csr`,
    );
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${by}.pem`,
      '-CAkey',
      `${by}-key.pem`,
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    );
  };
  ca('ca');
  ca('stranger-ca');
  signed(
    'server',
    'ca',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  );
  signed('client', 'ca', 'extendedKeyUsage=clientAuth\n');
  signed('stranger', 'stranger-ca', 'extendedKeyUsage=clientAuth\n');
  const read = (name: string) => readFileSync(join(dir, `${name}.pem`));
  return {
    ca: read('ca'),
    serverCert: read('server'),
    serverKey: read('server-key'),
    clientCert: read('client'),
    clientKey: read('client-key'),
    strangerCert: read('stranger'),
    strangerKey: read('stranger-key'),
    dir,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
