/**
 * @module
 * Modal dialogs for the demo and admin pages, on the native `<dialog>` element: `showModal()` makes the
 * rest of the page inert and closes on Escape; on top of that, Tab and Shift+Tab cycle inside the dialog
 * (never out to the browser's toolbar), and focus goes back to whatever opened the dialog when it
 * closes. {@link confirmAction} is the pages' confirmation for destructive actions.
 */

const FOCUSABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

/** The elements Tab can reach inside `root`, in order (hidden ones left out). */
function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => el.getClientRects().length > 0 && !el.closest('[hidden]'),
  );
}

const prepared = new WeakSet<HTMLDialogElement>();

/** Installs the focus trap and the focus return on a dialog, once. */
function prepare(dialog: HTMLDialogElement): void {
  if (prepared.has(dialog)) return;
  prepared.add(dialog);
  dialog.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return;
    const items = focusables(dialog);
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !dialog.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !dialog.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  });
}

const openers = new WeakMap<HTMLDialogElement, HTMLElement>();

/**
 * Opens `dialog` as a modal and focuses `initial` (else its first focusable element). When it closes,
 * by {@link closeDialog}, Escape or a form with method=dialog, focus returns to the element that had
 * it before.
 */
export function openDialog(dialog: HTMLDialogElement, initial?: HTMLElement | null): void {
  prepare(dialog);
  const opener = document.activeElement;
  if (opener instanceof HTMLElement && opener !== document.body) openers.set(dialog, opener);
  if (!dialog.open) dialog.showModal();
  (initial ?? focusables(dialog)[0])?.focus();
  dialog.addEventListener(
    'close',
    () => {
      const back = openers.get(dialog);
      openers.delete(dialog);
      // The opener may have gone (a re-rendered row): then the browser's default applies.
      if (back?.isConnected) back.focus();
    },
    { once: true },
  );
}

/**
 * Closes `dialog`; the focus goes back to its opener, or to `focusNext` when the action done in the
 * dialog removed the opener from view (the login button once logged in).
 */
export function closeDialog(dialog: HTMLDialogElement, focusNext?: HTMLElement): void {
  if (focusNext) openers.set(dialog, focusNext);
  if (dialog.open) dialog.close();
  // At once as well: the browser's own focus restore (to the hidden opener) can come after the close event.
  focusNext?.focus();
}

/** What {@link confirmAction} asks. */
export interface Confirmation {
  title: string;
  message: string;
  /** The confirming button's text, naming the action ("Revoke token"). */
  confirm: string;
}

let confirmDialog: HTMLDialogElement | undefined;

/** The one confirmation dialog of the page, built on first use. */
function confirmationDialog(): HTMLDialogElement {
  if (confirmDialog) return confirmDialog;
  const dialog = document.createElement('dialog');
  dialog.id = 'confirm-dialog';
  dialog.className = 'lk-dialog';
  dialog.setAttribute('aria-labelledby', 'confirm-title');
  dialog.setAttribute('aria-describedby', 'confirm-message');
  dialog.innerHTML = `<form method="dialog" class="modal-container">
  <div class="modal-header"><h2 class="modal-title h5" id="confirm-title"></h2></div>
  <div class="modal-body"><p id="confirm-message"></p></div>
  <div class="modal-footer">
    <button class="btn btn-error" value="confirm" id="confirm-ok"></button>
    <button class="btn btn-link" value="cancel" id="confirm-cancel">Cancel</button>
  </div>
</form>`;
  document.body.append(dialog);
  confirmDialog = dialog;
  return dialog;
}

/**
 * Asks before a destructive action; resolves true only when the user pressed the confirming button
 * (Cancel and Escape resolve false). Focus starts on Cancel, so a stray Enter does nothing harmful.
 */
export function confirmAction(ask: Confirmation): Promise<boolean> {
  const dialog = confirmationDialog();
  (dialog.querySelector('#confirm-title') as HTMLElement).textContent = ask.title;
  (dialog.querySelector('#confirm-message') as HTMLElement).textContent = ask.message;
  (dialog.querySelector('#confirm-ok') as HTMLElement).textContent = ask.confirm;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
    openDialog(dialog, dialog.querySelector<HTMLElement>('#confirm-cancel'));
  });
}
