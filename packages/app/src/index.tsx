import '@backstage/cli/asset-types';
// Backstage UI's styles: plugins built on @backstage/ui (the scaffolder's pages and fields among
// them) lay out wrongly without them, e.g. under the pinned sidebar.
import '@backstage/ui/css/styles.css';
import ReactDOM from 'react-dom/client';
import App from './App';

ReactDOM.createRoot(document.getElementById('root')!).render(<App />);
