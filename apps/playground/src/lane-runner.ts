import type { WebImageModel } from '@sjd/backend-web';
import { formatFigures } from './figures.js';
import type { GenerationDriver } from './generation-driver.js';
import type { LaneView } from './lane-view.js';

/** How often the image is decoded and the token map redrawn while decoding runs. */
const PAINT_INTERVAL_MS = 60;

/**
 * Connects a {@link GenerationDriver} to its {@link LaneView}: after each step it updates the
 * figures, and now and then decodes the committed codes and repaints, all outside the
 * driver's busy clock. `baseline` gives vanilla's cost per token for the speed-up figure,
 * `noBaseline` what that figure says while there is none.
 */
export class LaneRunner {
  private lastPaint = Number.NEGATIVE_INFINITY;

  constructor(
    readonly driver: GenerationDriver,
    readonly view: LaneView,
    private readonly provider: WebImageModel,
    private readonly baseline: () => number | null,
    private readonly noBaseline = '–',
  ) {
    const { pixelWidth, pixelHeight } = provider;
    view.reset(driver.layout, pixelWidth, pixelHeight);
    this.showFigures();
  }

  /** Cost per token so far, or `null` before the first token. */
  get msPerToken(): number | null {
    return this.driver.tokens > 0 ? this.driver.busyMs / this.driver.tokens : null;
  }

  /** One step of the generation, then figures and (if due) a repaint. Resolves `false` when done. */
  async step(): Promise<boolean> {
    const more = await this.driver.advance();
    this.showFigures();
    if (!more || this.driver.done) {
      await this.paint();
      return false;
    }
    if (performance.now() - this.lastPaint >= PAINT_INTERVAL_MS) await this.paint();
    return true;
  }

  /** Updates the figures (e.g. when the other lane of a race moved the baseline). */
  showFigures(): void {
    const { driver } = this;
    this.view.setFigures(formatFigures(driver, this.baseline(), this.noBaseline));
    this.view.summariseMap(driver.steps, driver.longestBlock);
  }

  /** Decodes the committed codes and repaints the image and the token map. */
  async paint(): Promise<void> {
    this.lastPaint = performance.now();
    const { driver } = this;
    const stepOfCell = driver.stepOfCell.slice();
    this.view.paintMap(stepOfCell);
    const rgb = await this.provider.decodeImage(driver.codes());
    this.view.paintImage(rgb, stepOfCell);
  }
}

/** Lets the browser handle input and paint between steps, without timer clamping. */
export function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
