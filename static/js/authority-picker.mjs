// The local authority picker (templates/includes/authority_picker.html), enhanced.
//
// Without JavaScript it is checkboxes in a section for each region. This adds a box above the
// regions to find an authority by typing part of its name (GOV.UK's accessible autocomplete);
// choosing one ticks its checkbox and opens its region. The checkboxes stay the form's state,
// so what is posted is the same either way. Each region's count follows its ticks.
import '../accessible-autocomplete/accessible-autocomplete.min.js'

const chosenText = (count) => `(${count ? `${count} chosen` : 'none chosen'})`

function updateCount (region) {
  const count = region.querySelectorAll('input[type="checkbox"]:checked').length
  const text = region.querySelector('.app-authority-picker__count')
  if (text) text.textContent = chosenText(count)
  return count
}

function regionName (region) {
  const summary = region.querySelector('.govuk-details__summary-text')
  return summary ? summary.firstChild.textContent.trim() : ''
}

// The names that contain what was typed, those starting with it first; chosen ones left out.
function matches (boxes, query) {
  const typed = query.trim().toLowerCase()
  if (!typed) return []
  const found = [...boxes.entries()]
    .filter(([name, box]) => !box.checked && name.toLowerCase().includes(typed))
    .map(([name]) => name)
  const starts = found.filter((name) => name.toLowerCase().startsWith(typed))
  return [...starts, ...found.filter((name) => !starts.includes(name))]
}

function element (tag, attributes, text) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value)
  if (text) node.textContent = text
  return node
}

export function enhance (picker) {
  const boxes = new Map()
  for (const box of picker.querySelectorAll('input[type="checkbox"]')) {
    const label = picker.querySelector(`label[for="${box.id}"]`)
    if (label) boxes.set(label.textContent.trim(), box)
  }
  const firstRegion = picker.querySelector('.app-authority-picker__region')
  if (!boxes.size || !firstRegion || !window.accessibleAutocomplete) return

  const id = picker.dataset.findId
  const find = element('div', { class: 'app-authority-picker__find' })
  find.append(element('label', { class: 'govuk-label', for: id }, 'Find a local authority'))
  const box = element('div', {})
  const status = element('p', { class: 'govuk-visually-hidden', role: 'status' })
  find.append(box, status)
  firstRegion.before(find)

  window.accessibleAutocomplete({
    element: box,
    id,
    name: '',
    minLength: 1,
    confirmOnBlur: false,
    displayMenu: 'overlay',
    source: (query, populate) => populate(matches(boxes, query)),
    tNoResults: () => 'No local authority found that is not already chosen',
    onConfirm: (name) => {
      const chosen = boxes.get(name)
      if (!chosen) return
      chosen.checked = true
      chosen.dispatchEvent(new Event('change', { bubbles: true }))
      const region = chosen.closest('details')
      if (region) {
        region.open = true
        status.textContent = `${name} chosen. ${regionName(region)}: ${updateCount(region)} chosen.`
      }
      // Empty the box for the next search, once the autocomplete has shown its choice.
      const input = document.getElementById(id)
      setTimeout(() => {
        input.value = ''
        input.dispatchEvent(new Event('input', { bubbles: true }))
      }, 0)
    }
  })

  picker.addEventListener('change', (event) => {
    const region = event.target.closest('details')
    if (region) updateCount(region)
  })
}

for (const picker of document.querySelectorAll('[data-module="app-authority-picker"]')) {
  enhance(picker)
}
