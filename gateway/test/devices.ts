/**
 * Shared by the live cart sync tests: a second gateway replica, devices that are disconnected
 * after each test, and the small vocabulary the tests speak (users, adding a line,
 * the versions a device saw).
 */
import { randomUUID } from 'node:crypto';
import { afterEach } from 'vitest';
import { AddCartLineDocument, type CartUpdatedSubscription, type CartUpdatedSummarySubscription } from '@platform/client';
import type { RunningGateway } from '@platform/gateway';
import { connectDevice, startExtraGateway, TEST_JWT_SECRET, type Device, type DeviceCredentials, type TestStack } from '@platform/e2e/support';
import { createClient } from '@platform/testing';

export const ALLOWED_ORIGIN = 'https://shop.example';
export const REPLICA_MAX_SUBSCRIPTIONS = 3;

/**
 * A second gateway on `stack`: another process behind the same load balancer, with a CORS
 * allow-list, a short connection_init timeout and a small per-connection subscription limit.
 */
export function startReplica(stack: TestStack): Promise<RunningGateway> {
  return startExtraGateway(stack, { CORS_ORIGINS: ALLOWED_ORIGIN, WS_INIT_TIMEOUT_MS: '1000', WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: String(REPLICA_MAX_SUBSCRIPTIONS) });
}

/** Devices a test opens, each disconnected after the test. */
export function useDevices(defaultGateway: () => RunningGateway) {
  const devices: Device[] = [];
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.disconnect()));
  });
  /** Connects without waiting for the server's acknowledgement (for refusals). */
  const connect = (url: string, credentials: DeviceCredentials) => {
    const d = connectDevice(url, credentials);
    devices.push(d);
    return d;
  };
  return {
    connect,
    /** A device connected to `gateway` (the stack's own by default), acknowledged by the server. */
    async device(credentials: DeviceCredentials, gateway: RunningGateway = defaultGateway()): Promise<Device> {
      const d = connect(gateway.url, credentials);
      await d.acknowledged;
      return d;
    },
  };
}

export const newUser = () => `user-${randomUUID()}`;
export const asUser = (user: string) => ({ user }) as const;

/** Adds `quantity` of a product to `user`'s cart through the gateway at `via`. */
export const addLineVia = (via: string, user: string, productId: string, quantity = 1) => createClient(via, TEST_JWT_SECRET).data(AddCartLineDocument, { input: { productId, quantity } }, asUser(user));

export const versions = (results: { data?: CartUpdatedSummarySubscription | CartUpdatedSubscription | null }[]) => results.map((r) => r.data?.cartUpdated.version);

/**
 * An absence cannot be awaited: once the expected payloads are in, a stray or duplicate one
 * gets this long to show up before the test looks.
 */
export const quietPeriod = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
