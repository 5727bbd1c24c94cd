/** Picks the payment provider named by configuration. */
import type { OrderConfig } from '../../config.ts';
import type { PaymentProvider } from './provider.ts';
import { TestPaymentProvider } from './test-provider.ts';

export type { PaymentProvider } from './provider.ts';

export function createPaymentProvider(config: Pick<OrderConfig, 'PAYMENT_PROVIDER'>): PaymentProvider {
  switch (config.PAYMENT_PROVIDER) {
    case 'test':
      return new TestPaymentProvider();
  }
}
