/**
 * The local runtime has no IAM, so it must answer only this machine's own pages. Binding to
 * 127.0.0.1 keeps the network out; this keeps other sites out. A page on evil.example whose DNS
 * name is made to resolve to 127.0.0.1 (DNS rebinding) is same-origin to the browser, so CORS
 * does not stop it; its requests still name its own host, which is refused here (as the console
 * does). A cross-site form or `no-cors` fetch cannot send `Content-Type: application/json`
 * without a preflight, which nothing local answers: the JSON routes require it.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Host names (any port) that only this machine's own pages use. */
export const localHostNames: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

export const isLocalHost = (host: string | undefined): boolean =>
  localHostNames.includes((host ?? '').toLowerCase().replace(/:\d+$/, ''));

const sendJson = (response: ServerResponse, status: number, body: unknown) => {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    connection: 'close',
  });
  response.end(payload);
};

/** Answers 421 and returns true when the request names a host other than this machine's. */
export const refuseForeignHost = (request: IncomingMessage, response: ServerResponse): boolean => {
  if (isLocalHost(request.headers.host)) return false;
  request.resume();
  sendJson(response, 421, {
    error: {
      code: 'WRONG_HOST',
      message: `The local runtime answers only for ${localHostNames.join(', ')}`,
    },
  });
  return true;
};

/** The media type of a Content-Type header, lower case, without parameters. */
export const mediaTypeOf = (contentType: string | undefined): string =>
  (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/** Answers 415 and returns true when a POST does not declare a JSON body. */
export const refuseNonJsonPost = (request: IncomingMessage, response: ServerResponse): boolean => {
  if (request.method?.toUpperCase() !== 'POST') return false;
  if (mediaTypeOf(request.headers['content-type']) === 'application/json') return false;
  request.resume();
  sendJson(response, 415, {
    error: {
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'Local POST routes take Content-Type: application/json (a cross-site page cannot send it)',
    },
  });
  return true;
};

/** Starts a local server on loopback (unless told otherwise) and answers the port it got. */
export const listenLocally = async (server: Server, port = 0, host = '127.0.0.1'): Promise<number> => {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
};
