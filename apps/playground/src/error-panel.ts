import type { ErrorDescription } from './describe-error.js';

/** The page's alert region: shows one error at a time, with a way to dismiss it. */
export class ErrorPanel {
  constructor(private readonly element: HTMLElement) {}

  show(description: ErrorDescription): void {
    const document = this.element.ownerDocument;
    const headline = document.createElement('strong');
    headline.className = 'error-headline';
    headline.textContent = description.headline;
    const detail = document.createElement('p');
    detail.className = 'error-detail';
    detail.id = 'error-detail';
    detail.textContent = description.detail;
    const parts: HTMLElement[] = [headline, detail];
    if (description.hint) {
      const hint = document.createElement('p');
      hint.className = 'error-hint';
      hint.textContent = description.hint;
      parts.push(hint);
    }
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = 'Dismiss';
    close.addEventListener('click', () => this.clear());
    parts.push(close);
    this.element.replaceChildren(...parts);
    this.element.dataset['kind'] = description.kind;
    this.element.hidden = false;
  }

  clear(): void {
    this.element.hidden = true;
    this.element.replaceChildren();
    delete this.element.dataset['kind'];
  }
}
