// A small TFTP client (RFC 1350: read requests, octet mode, 512-byte blocks, no
// options), to play a phone against the helper's TFTP server in the browser
// tests. It only ever talks to 127.0.0.1 (the helper the tests started), from
// any loopback address, so several "phones" can be told apart by their address:
//
//   const phone = new Phone({ host: '127.0.0.1', port }, '127.0.0.2');
//   const { data } = await phone.get('term41.default.loads');
//   const miss = await phone.get('nope.sbn');   // { error: { code: 1, message } }
import dgram from 'node:dgram';

const OP = { RRQ: 1, DATA: 3, ACK: 4, ERROR: 5 };
const BLOCK = 512;
const TIMEOUT_MS = 1000;
const TRIES = 5;

function rrq(file) {
  return Buffer.concat([
    Buffer.from([0, OP.RRQ]),
    Buffer.from(file, 'utf8'),
    Buffer.from([0]),
    Buffer.from('octet', 'ascii'),
    Buffer.from([0]),
  ]);
}

function ack(block) {
  const b = Buffer.alloc(4);
  b.writeUInt16BE(OP.ACK, 0);
  b.writeUInt16BE(block & 0xffff, 2);
  return b;
}

/** A pretend phone: fetches files one at a time, like a phone in recovery. */
export class Phone {
  /**
   * @param {{host: string, port: number}} server the helper's TFTP server
   * @param {string} from the loopback address to send from (the phone's address)
   */
  constructor(server, from = '127.0.0.1') {
    if (!/^127\./.test(server.host) || !/^127\./.test(from)) {
      throw new Error('the test TFTP client only talks over loopback');
    }
    this.server = server;
    this.from = from;
  }

  /**
   * Reads `file`: `{ data }` (a Buffer) when it arrives whole, `{ error: { code,
   * message } }` when the server answers with an ERROR packet. Throws when the
   * server does not answer.
   */
  get(file) {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket('udp4');
      const chunks = [];
      let expected = 1;
      let peer = null; // the server's transfer port (its TID)
      let last = rrq(file);
      let lastTo = this.server.port;
      let tries = 0;
      let timer = null;
      const finish = (err, value) => {
        clearTimeout(timer);
        socket.close();
        if (err) reject(err);
        else resolve(value);
      };
      const send = () => {
        socket.send(last, lastTo, this.server.host);
        clearTimeout(timer);
        timer = setTimeout(() => {
          tries += 1;
          if (tries >= TRIES) finish(new Error(`no answer from TFTP ${this.server.host}:${this.server.port} for ${file}`));
          else send();
        }, TIMEOUT_MS);
      };
      socket.on('error', (err) => finish(err));
      socket.on('message', (msg, rinfo) => {
        if (rinfo.address !== this.server.host) return;
        if (peer === null) peer = rinfo.port;
        if (rinfo.port !== peer) return; // another transfer's packet
        const op = msg.readUInt16BE(0);
        if (op === OP.ERROR) {
          finish(null, { error: { code: msg.readUInt16BE(2), message: msg.toString('utf8', 4, msg.length - 1) } });
          return;
        }
        if (op !== OP.DATA) return;
        const block = msg.readUInt16BE(2);
        const data = msg.subarray(4);
        if (block === (expected & 0xffff)) {
          chunks.push(Buffer.from(data));
          expected += 1;
          tries = 0;
        }
        // Acknowledge what arrived (again, for a duplicate).
        last = ack(block);
        lastTo = peer;
        if (block === ((expected - 1) & 0xffff) && data.length < BLOCK) {
          socket.send(last, lastTo, this.server.host, () => finish(null, { data: Buffer.concat(chunks) }));
          clearTimeout(timer);
          return;
        }
        send();
      });
      socket.bind(0, this.from, send);
    });
  }
}
