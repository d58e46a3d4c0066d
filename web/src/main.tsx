import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { StandaloneApp } from './app/standalone-app';
import { applyTheme, storedTheme } from './components/theme-toggle';
import { createI18n } from './lib/i18n/init-i18n';
import './styles/app.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// Before the first paint, so a chosen dark theme does not flash light.
applyTheme(storedTheme());

createRoot(root).render(
  <StrictMode>
    <StandaloneApp i18n={createI18n()} />
  </StrictMode>,
);
