import { composePartialImage } from './compose-partial-image.js';
import type { Figures } from './figures.js';
import { stepColour, UNDECIDED_COLOUR } from './step-colour.js';

const FIGURE_LABELS: readonly [keyof Figures, string][] = [
  ['steps', 'Steps'],
  ['tokens', 'Tokens'],
  ['lastBlock', 'Tokens in last step'],
  ['stepCompression', 'Step compression'],
  ['time', 'Time'],
  ['speed', 'Speed'],
  ['speedup', 'Speed-up vs vanilla'],
];

const MAP_CELL = 16;

/**
 * One generation on the page: the image as it is decoded, the token map (each cell coloured
 * by the step that committed it, with borders between steps so accepted blocks stand out),
 * and the live figures.
 */
export class LaneView {
  readonly root: HTMLElement;
  private readonly title: HTMLElement;
  private readonly status: HTMLElement;
  private readonly image: HTMLCanvasElement;
  private readonly map: HTMLCanvasElement;
  private readonly mapSummary: HTMLElement;
  private readonly values = new Map<keyof Figures, HTMLElement>();
  private stepOfCell: Int32Array = new Int32Array(0);
  private gridWidth = 0;

  constructor(document: Document, id: string, title: string) {
    this.root = document.createElement('section');
    this.root.className = 'lane';
    this.root.id = id;
    this.root.setAttribute('aria-labelledby', `${id}-title`);
    this.title = document.createElement('h2');
    this.title.id = `${id}-title`;
    this.title.textContent = title;
    this.status = document.createElement('p');
    this.status.className = 'lane-status';
    this.status.setAttribute('aria-live', 'polite');

    const pictures = document.createElement('div');
    pictures.className = 'pictures';
    this.image = document.createElement('canvas');
    this.image.className = 'generated-image';
    this.image.setAttribute('role', 'img');
    this.image.setAttribute('aria-label', `${title}: generated image`);
    this.map = document.createElement('canvas');
    this.map.className = 'token-map';
    this.map.setAttribute('role', 'img');
    this.map.setAttribute(
      'aria-label',
      `${title}: token map, each cell coloured by the step that committed it`,
    );
    this.map.addEventListener('mousemove', (event) => this.describeCellAt(event));
    pictures.append(figure(document, this.image, 'Image'), figure(document, this.map, 'Token map'));
    this.mapSummary = document.createElement('p');
    this.mapSummary.className = 'map-summary';

    const list = document.createElement('dl');
    list.className = 'figures';
    for (const [key, label] of FIGURE_LABELS) {
      const term = document.createElement('dt');
      term.textContent = label;
      const value = document.createElement('dd');
      value.dataset['figure'] = key;
      value.textContent = '–';
      this.values.set(key, value);
      list.append(term, value);
    }
    this.root.append(this.title, this.status, pictures, this.mapSummary, list);
  }

  /** Clears the lane for a new generation on a `gridWidth × gridHeight` grid of `width × height` pixels. */
  reset(grid: { gridWidth: number; gridHeight: number }, width: number, height: number): void {
    this.gridWidth = grid.gridWidth;
    this.stepOfCell = new Int32Array(grid.gridWidth * grid.gridHeight).fill(-1);
    this.image.width = width;
    this.image.height = height;
    this.map.width = grid.gridWidth * MAP_CELL;
    this.map.height = grid.gridHeight * MAP_CELL;
    this.root.dataset['state'] = 'running';
    this.mapSummary.textContent = '';
    this.paintImage(new Uint8Array(width * height * 3), this.stepOfCell);
    this.paintMap(this.stepOfCell);
  }

  setTitle(title: string): void {
    this.title.textContent = title;
  }

  setStatus(text: string, state?: 'running' | 'done' | 'stopped' | 'failed'): void {
    this.status.textContent = text;
    if (state) this.root.dataset['state'] = state;
  }

  /** Draws decoded RGB, grey where `stepOfCell` is −1. */
  paintImage(rgb: Uint8Array, stepOfCell: Int32Array): void {
    const context = this.image.getContext('2d')!;
    const { width, height } = this.image;
    const rgba = composePartialImage(
      rgb,
      stepOfCell,
      { gridWidth: this.gridWidth, gridHeight: stepOfCell.length / this.gridWidth },
      width,
      height,
    );
    context.putImageData(new ImageData(rgba, width, height), 0, 0);
  }

  /** Colours every cell by its step and outlines the borders between steps. */
  paintMap(stepOfCell: Int32Array): void {
    this.stepOfCell = stepOfCell.slice();
    const context = this.map.getContext('2d')!;
    const columns = this.gridWidth;
    const rows = stepOfCell.length / columns;
    for (let c = 0; c < stepOfCell.length; c++) {
      const step = stepOfCell[c]!;
      context.fillStyle = step < 0 ? UNDECIDED_COLOUR : stepColour(step);
      context.fillRect(
        (c % columns) * MAP_CELL,
        Math.floor(c / columns) * MAP_CELL,
        MAP_CELL,
        MAP_CELL,
      );
    }
    context.strokeStyle = '#18181b';
    context.lineWidth = 2;
    context.beginPath();
    for (let r = 0; r < rows; r++) {
      for (let col = 0; col < columns; col++) {
        const step = stepOfCell[r * columns + col]!;
        if (step < 0) continue;
        const x = col * MAP_CELL;
        const y = r * MAP_CELL;
        if (col + 1 < columns && stepOfCell[r * columns + col + 1] !== step) {
          context.moveTo(x + MAP_CELL, y);
          context.lineTo(x + MAP_CELL, y + MAP_CELL);
        }
        if (r + 1 < rows && stepOfCell[(r + 1) * columns + col] !== step) {
          context.moveTo(x, y + MAP_CELL);
          context.lineTo(x + MAP_CELL, y + MAP_CELL);
        }
      }
    }
    context.stroke();
  }

  /** A sentence about the token map for screen readers and the page (longest accepted block). */
  summariseMap(steps: number, longestBlock: number): void {
    this.mapSummary.textContent =
      steps === 0
        ? ''
        : `${steps} step${steps === 1 ? '' : 's'}; the longest block committed in one step was ${longestBlock} token${longestBlock === 1 ? '' : 's'}.`;
  }

  setFigures(figures: Figures): void {
    for (const [key, element] of this.values) element.textContent = figures[key];
  }

  private describeCellAt(event: MouseEvent): void {
    const bounds = this.map.getBoundingClientRect();
    const columns = this.gridWidth;
    if (columns === 0 || bounds.width === 0) return;
    const rows = this.stepOfCell.length / columns;
    const col = Math.floor(((event.clientX - bounds.left) / bounds.width) * columns);
    const row = Math.floor(((event.clientY - bounds.top) / bounds.height) * rows);
    const step = this.stepOfCell[row * columns + col];
    this.map.title =
      step === undefined
        ? ''
        : step < 0
          ? `row ${row + 1}, column ${col + 1}: not yet decided`
          : `row ${row + 1}, column ${col + 1}: step ${step + 1}`;
  }
}

function figure(document: Document, canvas: HTMLCanvasElement, caption: string): HTMLElement {
  const element = document.createElement('figure');
  const text = document.createElement('figcaption');
  text.textContent = caption;
  element.append(canvas, text);
  return element;
}
