// @ts-check
// One file to the runtime's files/ endpoint. XMLHttpRequest rather than
// fetch because only it reports upload progress.
/** @import { RuntimeFile } from "../brace/api_types.js" */
import { runtimeFilesPath } from "../brace/api_paths.js";
import { ApiError, authHeaders } from "../brace/http.js";

/**
 * @param {object} upload
 * @param {File} upload.file
 * @param {number} upload.pageId
 * @param {string} upload.widget the FilePicker's name
 * @param {(loaded: number) => void} [upload.onProgress] bytes sent so far
 * @returns {Promise<RuntimeFile>}
 */
export function uploadFile({ file, pageId, widget, onProgress }) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append("file", file, file.name);
    form.append("page", String(pageId));
    form.append("widget", widget);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", runtimeFilesPath());
    xhr.withCredentials = true;
    xhr.setRequestHeader("Accept", "application/json");
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && onProgress) onProgress(event.loaded);
    };
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && body) resolve(body);
      else reject(new ApiError(xhr.status, body || { message: `Uploading ${file.name} failed (${xhr.status}).` }));
    };
    xhr.onerror = () => reject(new ApiError(0, { code: "network", message: `Uploading ${file.name} failed: Brace cannot be reached.` }));
    xhr.send(form);
  });
}
