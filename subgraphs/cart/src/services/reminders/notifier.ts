/**
 * How a reminder reaches a shopper. `log` (the default) writes one line per reminder (never the
 * address); `smtp` sends an email through `SMTP_URL` with nodemailer. Another channel (push, a
 * mail API) implements `Notifier`.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '@platform/logger';
import { renderReminder } from './message.ts';

export interface ReminderLine {
  productId: string;
  name: string;
  quantity: number;
  /** The product's price now, exact decimal string. */
  unitPrice: string;
  currencyCode: string;
}

/** One abandoned-cart reminder, ready to send. */
export interface CartReminder {
  /** Recipient address (personal data: never log it). */
  to: string;
  userId: string;
  cartId: string;
  lines: ReminderLine[];
  /** Link back to the cart in the storefront. */
  cartUrl: string;
}

export interface Notifier {
  /** Sends one reminder; throws when it could not (the consumer retries). */
  sendCartReminder(reminder: CartReminder): Promise<void>;
  close(): Promise<void>;
}

/** Logs that a reminder would be sent (development, and deployments without email). */
export class LogNotifier implements Notifier {
  constructor(private readonly logger: Logger) {}

  async sendCartReminder(reminder: CartReminder): Promise<void> {
    this.logger.info({ userId: reminder.userId, cartId: reminder.cartId, lines: reminder.lines.length }, 'abandoned-cart reminder (log notifier)');
  }

  async close(): Promise<void> {}
}

/** Sends reminders as email over SMTP. */
export class SmtpNotifier implements Notifier {
  private readonly transport: Transporter;

  private readonly from: string;

  constructor(options: { url: string; from: string; timeoutMs: number }) {
    this.from = options.from;
    const url = new URL(options.url);
    const secure = url.protocol === 'smtps:';
    this.transport = nodemailer.createTransport({
      host: url.hostname,
      port: Number(url.port || (secure ? 465 : 587)),
      secure,
      ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
    });
  }

  async sendCartReminder(reminder: CartReminder): Promise<void> {
    const message = renderReminder(reminder);
    await this.transport.sendMail({ from: this.from, to: reminder.to, subject: message.subject, text: message.text, html: message.html });
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

export interface NotifierSettings {
  CART_NOTIFIER: 'log' | 'smtp';
  SMTP_URL?: string | undefined;
  REMINDER_FROM: string;
  SMTP_TIMEOUT_MS: number;
}

/** The configured notifier. */
export function createNotifier(settings: NotifierSettings, logger: Logger): Notifier {
  if (settings.CART_NOTIFIER === 'smtp') return new SmtpNotifier({ url: settings.SMTP_URL!, from: settings.REMINDER_FROM, timeoutMs: settings.SMTP_TIMEOUT_MS });
  return new LogNotifier(logger);
}
