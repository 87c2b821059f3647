// Coding a passage by selecting it (progressive enhancement: without JavaScript, the passage
// is pasted into the form and the server finds it).
//
// A form opts in with data attributes:
//   data-coding-form
//   data-coding-text    the id of the element holding the source's text: its text content is
//                       the stored text exactly, so characters before a point in it are
//                       offsets into the stored text
//   data-coding-status  the id of an aria-live line that says what is selected
//
// When a selection in the text ends, its offsets go into the form's hidden start and end
// fields and its words into the passage field, which the server checks against the stored
// text at those offsets. Typing in the passage field forgets the offsets: the server then
// searches for the passage instead.

// Offsets count characters as the server does (code points), not UTF-16 units.
function length (text) {
  return Array.from(text).length
}

function textBefore (root, node, offset) {
  const range = document.createRange()
  range.selectNodeContents(root)
  range.setEnd(node, offset)
  return range.toString()
}

// The part of the current selection inside `root`, as offsets and words, or null.
function selectionIn (root) {
  const selection = window.getSelection()
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null
  const range = selection.getRangeAt(0).cloneRange()
  if (!range.intersectsNode(root)) return null
  const all = document.createRange()
  all.selectNodeContents(root)
  if (range.compareBoundaryPoints(Range.START_TO_START, all) < 0) {
    range.setStart(all.startContainer, all.startOffset)
  }
  if (range.compareBoundaryPoints(Range.END_TO_END, all) > 0) {
    range.setEnd(all.endContainer, all.endOffset)
  }
  const words = range.toString()
  const trimmed = words.trim()
  if (!trimmed) return null
  const leading = words.slice(0, words.length - words.trimStart().length)
  const start = length(textBefore(root, range.startContainer, range.startOffset) + leading)
  return { start, end: start + length(trimmed), text: trimmed }
}

function shortened (text) {
  const words = text.replace(/\s+/g, ' ')
  return words.length > 80 ? `${words.slice(0, 77)}…` : words
}

export function startCoding (form) {
  const root = document.getElementById(form.dataset.codingText || '')
  const status = document.getElementById(form.dataset.codingStatus || '')
  const passage = form.querySelector('textarea[name="passage"]')
  const start = form.querySelector('input[name="start"]')
  const end = form.querySelector('input[name="end"]')
  if (!root || !status || !passage || !start || !end) return

  status.textContent = 'Select a passage in the text to fill in the passage below.'

  function take () {
    const chosen = selectionIn(root)
    if (!chosen) return
    start.value = String(chosen.start)
    end.value = String(chosen.end)
    passage.value = chosen.text
    status.textContent = `Selected: “${shortened(chosen.text)}”. Choose its themes, then save.`
  }

  let timer = 0
  root.addEventListener('mouseup', take)
  root.addEventListener('keyup', take)
  document.addEventListener('selectionchange', () => {
    // A selection made from the keyboard (caret browsing) or by touch ends without a mouseup.
    window.clearTimeout(timer)
    timer = window.setTimeout(take, 400)
  })
  passage.addEventListener('input', () => {
    start.value = ''
    end.value = ''
    status.textContent = 'The passage will be looked for in the text when you save.'
  })
}

document.querySelectorAll('form[data-coding-form]').forEach(startCoding)
