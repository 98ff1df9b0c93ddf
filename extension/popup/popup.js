// Popup entry point: wire the controller to the real page and chrome APIs.
import { startPopup } from './controller.js';

startPopup({ document, chrome });
