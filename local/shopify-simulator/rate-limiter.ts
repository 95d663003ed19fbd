import type { Clock } from './clock.js';

export interface RatePlan {
  /** Points restored per second. */
  readonly restoreRate: number;
  /** Bucket size. */
  readonly maximumAvailable: number;
}

/** Shopify's Standard plan on the GraphQL Admin API: 100 points/s into a 2,000-point bucket. */
export const standardPlan: RatePlan = { restoreRate: 100, maximumAvailable: 2000 };

export interface ThrottleStatus {
  readonly maximumAvailable: number;
  readonly currentlyAvailable: number;
  readonly restoreRate: number;
}

/**
 * Shopify's leaky bucket for one app on one shop: a query needs its requested cost available up
 * front; after it runs, the difference between requested and actual cost is refunded.
 */
export class CostBucket {
  private available: number;
  private updatedAt: number;

  constructor(
    private plan: RatePlan,
    private readonly clock: Clock,
  ) {
    this.available = plan.maximumAvailable;
    this.updatedAt = clock.now();
  }

  setPlan(plan: RatePlan): void {
    this.restore();
    this.plan = plan;
    this.available = Math.min(this.available, plan.maximumAvailable);
  }

  /** Takes `cost` points if they are available; otherwise takes nothing and returns false. */
  tryTake(cost: number): boolean {
    this.restore();
    if (cost > this.available) return false;
    this.available -= cost;
    return true;
  }

  refund(points: number): void {
    this.restore();
    this.available = Math.min(this.plan.maximumAvailable, this.available + Math.max(0, points));
  }

  status(): ThrottleStatus {
    this.restore();
    return {
      maximumAvailable: this.plan.maximumAvailable,
      // Shopify reports whole points.
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.plan.restoreRate,
    };
  }

  private restore(): void {
    const now = this.clock.now();
    const elapsedSeconds = Math.max(0, now - this.updatedAt) / 1000;
    this.available = Math.min(
      this.plan.maximumAvailable,
      this.available + elapsedSeconds * this.plan.restoreRate,
    );
    this.updatedAt = now;
  }
}
