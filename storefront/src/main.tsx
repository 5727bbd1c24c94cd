import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { loadStoreConfig } from './config.ts';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
loadStoreConfig()
  .then((config) =>
    root.render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    ),
  )
  .catch((error: unknown) => root.render(<p className="error">The storefront could not load its configuration: {String(error)}</p>));
