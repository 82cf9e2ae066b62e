import { describe, expect, it } from 'vitest';
import { channelTarget } from './channel-target.js';
import { SjdClientError } from './sjd-client-error.js';

describe('channelTarget', () => {
  it('lists IPv4 literals for the static ipv4 resolver', () => {
    expect(channelTarget(['127.0.0.1:50051'])).toBe('ipv4:127.0.0.1:50051');
    expect(channelTarget(['10.0.0.5:50051', '10.0.0.6:50052'])).toBe(
      'ipv4:10.0.0.5:50051,10.0.0.6:50052',
    );
  });

  it('lists IPv6 literals in brackets', () => {
    expect(channelTarget(['[::1]:50051', '[fd00::2]:1'])).toBe('ipv6:[::1]:50051,[fd00::2]:1');
  });

  it('leaves one host name to DNS', () => {
    expect(channelTarget(['sjd.internal:50051'])).toBe('dns:sjd.internal:50051');
  });

  it.each([
    [[]],
    [['localhost:1', 'localhost:2']],
    [['127.0.0.1:1', '[::1]:2']],
    [['127.0.0.1']],
    [['127.0.0.1:0']],
    [['127.0.0.1:70000']],
    [['::1:50051']],
  ])('refuses %j with an error naming the option', (addresses) => {
    const error = (() => {
      try {
        channelTarget(addresses);
      } catch (e) {
        return e;
      }
    })();
    expect(SjdClientError.isInstance(error)).toBe(true);
    expect((error as SjdClientError).field).toBe('addresses');
  });
});
