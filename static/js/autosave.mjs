// Autosave for the visit and feedback forms (progressive enhancement: without JavaScript,
// "Save draft" does the same job).
//
// A form opts in with data attributes:
//   data-autosave-url       where to POST the form (answers JSON: {saved_at, version} and, if
//                           the saved text holds possible identifiers, {warning}; or {error})
//   data-autosave-interval  seconds between checks (30 unless set)
//   data-autosave-status    the id of the status line ("Saved at 10:42"), an aria-live region
//   data-autosave-unsaved   "true" when the form holds text not saved yet (a preview, errors)
//
// Every interval, if the form changed since the last save, the whole form is posted (with its
// CSRF token and the version it was loaded at). The answer's version goes into the hidden
// version field, so the next save (autosave or a button) starts from it. If someone else saved
// first (409), autosave stops and says so: "Save draft" then shows both versions.

const DEFAULT_SECONDS = 30
const NOT_SAVED = 'Not saved automatically: the connection failed. Your changes are still on this page: choose Save draft to save them.'

function snapshot (form) {
  const data = new FormData(form)
  data.delete('csrfmiddlewaretoken')
  data.delete('version')
  return new URLSearchParams(data).toString()
}

function hoursAndMinutes (savedAt) {
  return String(savedAt || '').slice(0, 5)
}

async function answerOf (response) {
  try {
    return await response.json()
  } catch {
    return {}
  }
}

export function startAutosave (form) {
  const url = form.dataset.autosaveUrl
  const seconds = Number(form.dataset.autosaveInterval) || DEFAULT_SECONDS
  const status = document.getElementById(form.dataset.autosaveStatus || '')
  const version = form.querySelector('input[name="version"]')
  if (!url || !status || !version) return

  let saved = form.dataset.autosaveUnsaved === 'true' ? null : snapshot(form)
  let refused = null // a form the server found a problem in: not sent again until it changes
  let pending = null
  let stopped = false

  status.textContent = `Your changes are saved automatically every ${seconds === 1 ? 'second' : `${seconds} seconds`}.`

  async function save () {
    const current = snapshot(form)
    if (current === saved || current === refused) return
    let response
    try {
      response = await fetch(url, {
        method: 'POST',
        body: new FormData(form),
        credentials: 'same-origin',
        headers: { Accept: 'application/json' }
      })
    } catch {
      status.textContent = NOT_SAVED
      return
    }
    const answer = await answerOf(response)
    if (response.ok && answer.version) {
      version.value = String(answer.version)
      saved = current
      // The save went through; a warning ("Possible identifiers found: …") is read out with it.
      const savedAt = `Saved at ${hoursAndMinutes(answer.saved_at)}`
      status.textContent = answer.warning ? `${savedAt}. ${answer.warning}` : savedAt
      return
    }
    status.textContent = answer.error || NOT_SAVED
    if (response.status === 400) refused = current
    if (response.status === 403 || response.status === 409) {
      stopped = true // saving again would fail the same way, or overwrite someone's changes
    }
  }

  function tick () {
    if (stopped || pending) return
    pending = save().finally(() => { pending = null })
  }

  const timer = window.setInterval(tick, seconds * 1000)

  form.addEventListener('submit', (event) => {
    stopped = true
    window.clearInterval(timer)
    if (pending) {
      // Wait for the save in flight, so the button's save starts from its version.
      event.preventDefault()
      const submitter = event.submitter
      pending.then(() => form.requestSubmit(submitter))
    }
  })
}

document.querySelectorAll('form[data-autosave-url]').forEach(startAutosave)
