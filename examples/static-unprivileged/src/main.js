const notes = ['0.1.0: first release', '0.2.0: nginx-unprivileged variant'];
document.getElementById('notes').innerHTML = notes.map((n) => `<li>${n}</li>`).join('');
