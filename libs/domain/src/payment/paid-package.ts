import type { Catalog, PricedCoinPackage } from '../catalog/catalog';
import { findCoinPackage } from '../catalog/catalog';
import { reject } from '../errors';
import { sameMoney, type Money } from '../money';

export type PaymentOrder = { packageId: string; region: string; channel: string; amount: Money };

/** The coin package a payment bought: sold in its region and channel, at exactly the amount paid. */
export function paidPackage(catalog: Catalog, order: PaymentOrder): PricedCoinPackage {
  const pkg = findCoinPackage(catalog, order.packageId, order.region, order.channel);
  if (!pkg) {
    return reject('UNKNOWN_PACKAGE', `Package ${order.packageId} is not sold in ${order.region} through ${order.channel}.`, {
      packageId: order.packageId,
      region: order.region,
      channel: order.channel,
    });
  }
  if (!sameMoney(pkg.price, order.amount)) {
    return reject('PRICE_MISMATCH', `The amount paid is not the catalog price of ${order.packageId}.`, {
      expected: pkg.price,
      received: order.amount,
    });
  }
  return pkg;
}
