// MPS Social embed (Policy 4038 §III.F): lists a school's or department's official social
// media accounts on its own website.
//
//   <div id="mps-social-accounts"></div>
//   <script src="https://<portal>/static/js/embed.js" data-org="<unit slug>" defer></script>
//
// Optional attributes on the script tag: data-feed (the feed's address; default
// /directory/feed.json on the script's own host) and data-target (the id of the element to
// fill; default "mps-social-accounts"), data-empty and data-error (what to say, in the
// page's language, when no account is listed or the list cannot be loaded; the embed page
// writes them into the snippet it gives in Spanish, Somali or Hmong). The list is built with DOM calls only (no HTML
// strings), and only http(s) links are shown, so the feed can never inject markup.
(function () {
  "use strict";

  var script = document.currentScript ||
    document.querySelector("script[data-org][src*='embed']");
  if (!script) {
    return;
  }
  var org = script.getAttribute("data-org") || "";
  var targetId = script.getAttribute("data-target") || "mps-social-accounts";
  var emptyText = script.getAttribute("data-empty") || "No official social media accounts are listed yet.";
  var errorText = script.getAttribute("data-error") || "The list of official accounts could not be loaded just now.";
  var feed;
  try {
    feed = new URL(script.getAttribute("data-feed") || "/directory/feed.json", script.src);
  } catch (error) {
    return;
  }
  if (org) {
    feed.searchParams.set("org", org);
  }

  function target() {
    var element = document.getElementById(targetId);
    if (!element) {
      element = document.createElement("div");
      element.id = targetId;
      script.parentNode.insertBefore(element, script);
    }
    return element;
  }

  function say(text) {
    var element = target();
    var paragraph = document.createElement("p");
    paragraph.textContent = text;
    element.replaceChildren(paragraph);
  }

  function safeUrl(value) {
    try {
      var url = new URL(value);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : "";
    } catch (error) {
      return "";
    }
  }

  function render(accounts) {
    if (!accounts.length) {
      say(emptyText);
      return;
    }
    var list = document.createElement("ul");
    list.className = "mps-social-accounts";
    accounts.forEach(function (account) {
      var item = document.createElement("li");
      var href = safeUrl(account.url);
      var label = String(account.name || account.handle || "");
      if (href) {
        var link = document.createElement("a");
        link.href = href;
        link.rel = "noopener";
        link.textContent = label;
        item.appendChild(link);
      } else {
        item.appendChild(document.createTextNode(label));
      }
      var detail = [account.platform, account.handle ? "@" + account.handle : ""].filter(Boolean).join(", ");
      if (detail) {
        item.appendChild(document.createTextNode(" (" + detail + ")"));
      }
      if (account.description) {
        item.appendChild(document.createTextNode(": " + String(account.description)));
      }
      if (account.compromised && account.warning) {
        // Policy 4038 §III.E: the district has lost control of this account.
        var warning = document.createElement("strong");
        warning.className = "mps-social-warning";
        warning.textContent = String(account.warning);
        item.appendChild(document.createTextNode(" "));
        item.appendChild(warning);
      }
      list.appendChild(item);
    });
    target().replaceChildren(list);
  }

  function load() {
    fetch(feed.href, { credentials: "omit", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        render(Array.isArray(data && data.accounts) ? data.accounts : []);
      })
      .catch(function () {
        say(errorText);
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", load);
  } else {
    load();
  }
})();
