// Formatting helpers for the storefront.

/** Turn a title into a lowercase URL fragment with dashes. */
export function slugify(title) {
  return title.toLowerCase().trim().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/** Show a byte count as KB, MB or GB for people. */
export function formatFileSize(bytes) {
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** Describe how long ago something happened: "3 minutes ago". */
export function timeAgo(date, now = new Date()) {
  const seconds = Math.floor((now - date) / 1000);
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} minutes ago`;
  return `${Math.floor(seconds / 3600)} hours ago`;
}

/** Shorten long text to a maximum length and add an ellipsis. */
export function truncateText(text, max) {
  return text.length <= max ? text : text.slice(0, max - 1) + "…";
}

/** Escape characters that would be interpreted as markup in a page. */
export function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Wait until the user stops typing before running a callback. */
export function debounce(callback, waitMs) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => callback(...args), waitMs);
  };
}

/** Read the query string of a URL into an object. */
export function parseQueryParams(url) {
  const result = {};
  for (const [key, value] of new URL(url).searchParams) result[key] = value;
  return result;
}
